"""OPML feed lists: the exports of RSS-to-Telegram-Bot and Miniflux read, digestbot's own
export read back the same, and what is no feed list refused with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.ingest.opml import MAX_OPML_BYTES, ListedFeed, NotAFeedListError, read_opml, write_opml

FIXTURES = Path(__file__).parents[1] / "fixtures" / "opml"
NOW = datetime(2026, 11, 30, 4, 0, tzinfo=UTC)
RSSTT = [
    ListedFeed("https://harbour.example/rss.xml", "Harbour Wire"),
    ListedFeed(
        "https://shipping.example/feed?lang=en&section=ports", "Port & Shipping News — Ports"
    ),
    ListedFeed("https://north.example/atom.xml", "Северный вестник"),
]
MINIFLUX = [
    ListedFeed("https://harbour.example/rss.xml", "Harbour Wire"),
    ListedFeed("https://shipping.example/feed?lang=en&section=ports", "Port & Shipping News"),
    ListedFeed("https://desk.example/feed.json", "JSON Desk"),
]


@pytest.mark.parametrize(
    ("name", "expected"), [("rsstt_export.opml", RSSTT), ("miniflux_export.opml", MINIFLUX)]
)
def test_the_exports_of_rsstt_and_miniflux_round_trip(name, expected):
    listed = read_opml((FIXTURES / name).read_bytes())

    written = write_opml(listed, title="digestbot feeds", created=NOW)

    assert listed == expected  # Miniflux's category outlines are not feeds
    assert read_opml(written) == expected
    assert written.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<opml version=\"2.0\">")
    assert b"<dateCreated>Mon, 30 Nov 2026 04:00:00 +0000</dateCreated>" in written


def test_a_feed_listed_twice_is_read_once_and_a_feed_without_title_is_named_by_its_link():
    document = (
        b'<opml version="1.0"><body><outline text="A" xmlUrl="http://a.example/rss"/>'
        b'<outline text="A again" xmlUrl="http://a.example/rss"/>'
        b'<outline xmlUrl="http://b.example/rss"/></body></opml>'
    )

    listed = read_opml(document)
    written = write_opml(listed, title="t", created=NOW)

    assert listed == [ListedFeed("http://a.example/rss", "A"), ListedFeed("http://b.example/rss")]
    assert b'text="http://b.example/rss"' in written


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"Just a note, not a feed list.", "is not an OPML feed list"),
        (b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>', "is not an OPML feed list"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "is not an OPML feed list"),
        (
            b'<opml version="2.0"><head/><body><outline text="Empty"/></body></opml>',
            "lists no feeds",
        ),
        (b"<opml>" + b" " * MAX_OPML_BYTES + b"</opml>", "a feed list is at most 1 MB"),
    ],
)
def test_what_is_no_feed_list_is_refused_with_a_reason(data, reason):
    with pytest.raises(NotAFeedListError, match=reason):
        read_opml(data, name="feeds.opml")
