"""Failing-feed notices in cluster mode (bot.app.feed_reports): sent by the process holding
the push lease from the stored failure state, once per failure streak, by one process of the
fleet; in local mode the bot's feed ticker sends them instead (tests/handlers/test_feeds.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.app.feeds import FAILURES_TO_REPORT
from bot.app.pushes import deliver_due
from bot.app.sending import SendStatus
from bot.app.services import Services
from tests.fakes import FakeSender
from tests.pushes import START, SlowSender, push_services
from tests.store import another_process

ADMIN = 42
CLUSTER = {
    "database_url": "postgresql+psycopg://bot@db.invalid/digestbot",
    "queue": "procrastinate",
}


@pytest.fixture
def services(store, fake_summarizer, fake_matcher) -> Services:
    return push_services(store, fake_summarizer, fake_matcher, **CLUSTER)


def failing_feed(services: Services, failures: int, url: str = "https://example.org/rss") -> int:
    feed, _ = services.store.feeds.add(
        url, title="Harbour news", added_by=ADMIN, interval_s=600, now=START
    )
    for _ in range(failures):
        services.store.feeds.poll_failed(
            feed.id, error="connection refused", next_poll_at=START + timedelta(hours=1)
        )
    return feed.id


async def test_two_processes_tell_the_admin_once(services):
    failing_feed(services, FAILURES_TO_REPORT)
    failing_feed(services, FAILURES_TO_REPORT - 1, "https://example.org/other")  # not yet
    other_store = another_process(services.store)
    other = Services(services.settings, other_store, services.summarizer, services.matcher)
    first, second = SlowSender(), SlowSender()
    try:
        for _ in range(2):
            await asyncio.gather(
                deliver_due(services, first, now=START), deliver_due(other, second, now=START)
            )
    finally:
        other_store.close()
    notices = first.texts + second.texts
    assert len(notices) == 1
    chat, text = notices[0]
    assert chat == ADMIN and "Harbour news" in text and "connection refused" in text


async def test_a_new_failure_streak_is_told_again(services):
    feed_id = failing_feed(services, FAILURES_TO_REPORT)
    told = FakeSender()
    await deliver_due(services, told, now=START)
    assert len(told.texts) == 1

    services.store.feeds.poll_succeeded(  # the streak ends; a new one is told again
        feed_id, title=None, etag=None, last_modified=None, next_poll_at=START
    )
    failing_feed(services, FAILURES_TO_REPORT)
    again = FakeSender()
    await deliver_due(services, again, now=START)
    await deliver_due(services, again, now=START)
    assert [chat for chat, _ in again.texts] == [ADMIN]


async def test_a_notice_to_send_later_is_sent_by_a_later_run(services):
    failing_feed(services, FAILURES_TO_REPORT)
    sender = FakeSender({0: SendStatus.RETRY_LATER})

    await deliver_due(services, sender, now=START)
    assert sender.texts == []
    await deliver_due(services, sender, now=START)
    assert [chat for chat, _ in sender.texts] == [ADMIN]


async def test_in_local_mode_the_pushes_tell_nothing_about_feeds(
    store, fake_summarizer, fake_matcher
):
    services = push_services(store, fake_summarizer, fake_matcher)
    failing_feed(services, FAILURES_TO_REPORT + 2)
    sender = FakeSender()

    await deliver_due(services, sender, now=datetime.now(UTC))

    assert sender.texts == []
    assert not services.store.feeds.get(1).failure_reported
