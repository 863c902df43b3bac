"""/addfeed and /removefeed read their numbers strictly: an absurd or odd number gets a clear
reply, is never stored, and never reaches the poll tick."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.app.services import Services
from bot.config import Settings
from bot.telegram.handlers.context import SERVICES_KEY
from bot.telegram.handlers.feeds import add_feed, poll_tick, remove_feed
from tests.pageserver import PageServer

FEED = (
    '<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Wire</title>'
    "<link>http://example.org/</link></channel></rss>"
)
ADMIN = 7
MAX_INTERVAL_MINUTES = 7 * 24 * 60  # a week


class Replies:
    def __init__(self) -> None:
        self.texts: list[str] = []

    async def reply_text(self, text: str, **_kwargs) -> None:
        self.texts.append(text)


def command(services: Services, *args: str):
    """An /addfeed or /removefeed update from the admin, with its arguments, and its replies."""
    replies = Replies()
    update = SimpleNamespace(
        effective_message=replies,
        effective_user=SimpleNamespace(id=ADMIN, language_code="en"),
        effective_chat=SimpleNamespace(id=ADMIN, type="private"),
        channel_post=None,
    )
    context = SimpleNamespace(
        args=list(args), application=SimpleNamespace(bot_data={SERVICES_KEY: services})
    )
    return update, context, replies


@pytest.fixture
def services(sqlite_store, fake_summarizer, fake_matcher) -> Services:
    settings = Settings(admins=[ADMIN], fetch_allowed_networks=["127.0.0.0/8"])
    return Services(settings, sqlite_store, fake_summarizer, fake_matcher)


@pytest.fixture
def feed_url():
    with PageServer() as pages:
        yield pages.page("/rss", FEED, content_type="application/rss+xml")


@pytest.mark.parametrize("minutes", ["9999999999", str(MAX_INTERVAL_MINUTES + 1), "0", "²", "-5"])
async def test_an_absurd_or_odd_feed_interval_is_refused_and_nothing_is_followed(
    services, feed_url, minutes
):
    update, context, replies = command(services, feed_url, minutes)

    await add_feed(update, context)

    [reply] = replies.texts
    assert f"minutes between 1 and {MAX_INTERVAL_MINUTES}" in reply
    assert services.store.feeds.all() == []


async def test_a_feed_interval_within_bounds_is_kept(services, feed_url):
    update, context, replies = command(services, feed_url, str(MAX_INTERVAL_MINUTES))

    await add_feed(update, context)

    [feed] = services.store.feeds.all()
    assert feed.interval_s == MAX_INTERVAL_MINUTES * 60


@pytest.mark.parametrize("number", ["²", "99999999999999999999999", "0", "-1", "x"])
async def test_an_odd_feed_number_is_answered_as_no_such_feed(services, number):
    update, context, replies = command(services, number)

    await remove_feed(update, context)

    [reply] = replies.texts
    assert "/feeds" in reply and "Error" not in reply


async def test_the_tick_stops_the_bot_when_the_database_file_was_deleted(services, tmp_path):
    (tmp_path / "digestbot.sqlite3").unlink()
    stopped = []
    context = SimpleNamespace(
        application=SimpleNamespace(
            bot_data={SERVICES_KEY: services}, stop_running=lambda: stopped.append(True)
        )
    )

    await poll_tick(context)

    assert stopped == [True]
