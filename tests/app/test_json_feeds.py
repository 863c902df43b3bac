"""JSON Feed 1.0 and 1.1 served from 127.0.0.1 are followed and polled like RSS: the same
entries (title, link, date, author, text, id), and a broken one refused with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app.feeds import follow_feed
from bot.ingest.feeds import NotAFeedError, parse_feed
from tests.app.test_feeds import LIMITS, NOW, STRIKE, poll
from tests.pageserver import PageServer
from tests.tables import count_articles

FIXTURES = Path(__file__).parents[1] / "fixtures" / "jsonfeed"
FEED_1_1 = (FIXTURES / "feed_1_1.json").read_bytes()
FEED_1_0 = (FIXTURES / "feed_1_0.json").read_bytes()


@pytest.mark.parametrize("content_type", ["application/feed+json", "application/json"])
def test_a_json_feed_is_followed_and_its_items_stored_like_rss_entries(store, content_type):
    with PageServer() as server:
        url = server.page("/feed.json", FEED_1_1, content_type=content_type)
        feed, created = follow_feed(store, url, added_by=7, interval_s=1800, limits=LIMITS, now=NOW)
        result = poll(store, feed.id)

    assert created and feed.title == "Harbour Desk"
    stored = [outcome.article for outcome in result.stored]
    assert stored[0].title == STRIKE[0].strip()
    strike = stored[0]
    assert strike.source == "http://example.org/strike"
    assert strike.author == "Ana Ports"
    assert strike.published == datetime(2026, 11, 20, 7, 30, tzinfo=UTC)
    assert "\n\n" in strike.text  # its paragraphs kept
    assert stored[1].source == "http://example.org/border"  # external_url when no url
    assert stored[1].published == datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
    assert count_articles(store) == 2


def test_json_feed_items_give_the_entries_feedparser_would():
    parsed = parse_feed(FEED_1_0, "http://example.org/feed.json")
    newer = parse_feed(FEED_1_1, "http://example.org/feed.json")

    [entry] = parsed.entries
    assert parsed.title == "Harbour Desk 1.0"
    assert (entry.title, entry.link, entry.author) == (
        "Cranes idle",
        "http://example.org/short",
        "Wire",
    )
    assert entry.text == "Cranes stood idle <all> day & night."  # plain text is not markup
    assert entry.published == datetime(2026, 11, 19, 7, 0, tzinfo=UTC)
    assert entry.is_teaser
    assert len(newer.entries) == 2  # the item that is not an object is skipped
    assert len(newer.entries[1].keys) == 3  # id (a number in 1.0 style), link and content


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": [', "broken JSON"),
        (b'{"title": "No version", "items": []}', "without a JSON Feed version"),
        (b'{"version": "https://jsonfeed.org/version/1", "items": {}}', "without an items list"),
        (b"[1, 2]", "not a feed"),
    ],
)
def test_a_broken_json_feed_is_refused_with_its_reason(store, content, reason):
    with PageServer() as server:
        url = server.page("/feed.json", content, content_type="application/feed+json")
        with pytest.raises(NotAFeedError, match=reason) as refused:
            follow_feed(store, url, added_by=7, interval_s=1800, limits=LIMITS, now=NOW)

    assert "RSS, Atom or JSON feed" in str(refused.value)
    assert store.feeds.all() == []
