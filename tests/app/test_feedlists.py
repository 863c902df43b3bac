"""Feed lists: importing the OPML of RSS-to-Telegram-Bot or Miniflux follows its feeds (once,
links only), and the export lists the followed feeds for the next reader."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app.feedlists import MAX_IMPORTED_FEEDS, export_feed_list, import_feed_list
from bot.ingest.opml import ListedFeed, NotAFeedListError, read_opml, write_opml
from bot.store import open_store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "opml"
NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)


def import_list(store, data: bytes):
    return import_feed_list(store, data, name="feeds.opml", added_by=7, interval_s=1800, now=NOW)


def test_an_rsstt_export_then_a_miniflux_export_are_followed_each_feed_once(store):
    first = import_list(store, (FIXTURES / "rsstt_export.opml").read_bytes())
    second = import_list(store, (FIXTURES / "miniflux_export.opml").read_bytes())

    assert (len(first.followed), len(first.already)) == (3, 0)
    assert (len(second.followed), len(second.already)) == (1, 2)
    feeds = store.feeds.all()
    assert [f.title for f in feeds] == [
        "Harbour Wire",
        "Port & Shipping News — Ports",
        "Северный вестник",
        "JSON Desk",
    ]
    assert all(f.next_poll_at == NOW and f.added_by == 7 and f.interval_s == 1800 for f in feeds)


def test_the_export_lists_the_followed_feeds_and_imports_back_the_same(store, tmp_path):
    assert export_feed_list(store, NOW) is None
    import_list(store, (FIXTURES / "miniflux_export.opml").read_bytes())
    other = open_store(f"sqlite:///{tmp_path / 'other.sqlite3'}")

    exported = export_feed_list(store, NOW)
    again = import_list(other, exported)

    assert read_opml(exported) == [ListedFeed(f.url, f.title) for f in store.feeds.all()]
    assert [(f.url, f.title) for f in other.feeds.all()] == [
        (f.url, f.title) for f in store.feeds.all()
    ]
    assert len(again.followed) == 3
    other.close()


def test_addresses_that_are_no_web_links_are_refused_and_named(store):
    listed = [
        ListedFeed("https://ok.example/rss"),
        ListedFeed("file:///etc/passwd"),
        ListedFeed("javascript:alert(1)"),
        ListedFeed("http://[::1/rss"),
    ]

    result = import_list(store, write_opml(listed, title="t", created=NOW))

    assert result.refused == ["file:///etc/passwd", "javascript:alert(1)", "http://[::1/rss"]
    assert [f.url for f in store.feeds.all()] == ["https://ok.example/rss"]


def test_a_list_past_the_most_one_file_may_add_has_the_rest_left_out(store):
    listed = [ListedFeed(f"https://f{n}.example/rss") for n in range(MAX_IMPORTED_FEEDS + 3)]

    result = import_list(store, write_opml(listed, title="t", created=NOW))

    assert (len(result.followed), result.left_out) == (MAX_IMPORTED_FEEDS, 3)


def test_a_file_that_is_no_feed_list_follows_nothing(store):
    with pytest.raises(NotAFeedListError):
        import_list(store, b"title,url\nHarbour,https://harbour.example/rss\n")

    assert store.feeds.all() == []
