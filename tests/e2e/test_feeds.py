"""End to end: an admin follows a feed served from 127.0.0.1, its entries become articles, and a
feed that breaks is reported to that admin once."""

from __future__ import annotations

import json
from html import escape

import pytest

from tests.e2e.harness import FIXTURES, BotProcess

pytestmark = pytest.mark.e2e

ADMIN = 1001
MEMBER = 1002


@pytest.fixture
def bot(fake, tmp_path):
    with BotProcess(
        fake,
        tmp_path,
        admins=f"[{ADMIN}]",
        fetch_allowed_networks='["127.0.0.0/8"]',
        feed_tick_s="1",
        feed_interval_s="1",
        feed_max_backoff_s="1",
    ) as process:
        yield process


def rss_of(*names: str) -> str:
    items = []
    for name in names:
        title, body = (FIXTURES / name).read_text().split("\n", 1)
        content = escape("".join(f"<p>{p}</p>" for p in body.strip().split("\n\n")))
        items.append(
            f"<item><title>{escape(title)}</title><guid isPermaLink='false'>{name}</guid>"
            f"<description>{content}</description></item>"
        )
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Desk Wire</title>"
        f"{''.join(items)}</channel></rss>"
    )


def test_admin_follows_a_feed_whose_entries_become_articles(fake, pages, bot):
    url = pages.page("/rss", rss_of("kremlin_energy.txt"), content_type="application/rss+xml")

    [refused] = fake.send_and_wait(MEMBER, f"/addfeed {url}", timeout=15)
    [followed] = fake.send_and_wait(ADMIN, f"/addfeed {url}", timeout=30)
    fake.wait_for(lambda: "articles taken in" in bot.log(), timeout=30, what="a feed poll")
    [listed] = fake.send_and_wait(ADMIN, "/feeds", timeout=15)

    assert "Only the bot's administrators" in refused.plain_text
    assert followed.plain_text.startswith("Following feed 1: Desk Wire")
    assert "1. Desk Wire" in listed.plain_text
    digest = json.loads(bot.cli("digest", "russia", "--json").stdout)
    assert [a["source"] for a in digest["articles"]] == ["Desk Wire"]


def test_a_feed_that_keeps_failing_is_reported_to_its_admin_once(fake, pages, bot):
    url = pages.page("/rss", rss_of("kazakh_border.txt"), content_type="application/rss+xml")
    fake.send_and_wait(ADMIN, f"/addfeed {url}", timeout=30)
    pages.page("/rss", "<rss><channel><title>broken", content_type="application/rss+xml")

    [report] = fake.wait_for_messages(ADMIN, 2, timeout=30)[1:]
    fake.wait_for(lambda: bot.log().count("feed 1 (") >= 5, timeout=30, what="more failures")
    [removed] = fake.send_and_wait(ADMIN, "/removefeed 1", timeout=15)

    assert "has failed 3 times in a row" in report.plain_text
    assert "/removefeed 1" in report.plain_text
    assert len(fake.messages(ADMIN)) == 3
    assert removed.plain_text.startswith("Stopped following Desk Wire")
