"""Feed lists in and out: following every feed of an OPML file, and the followed feeds as one.

An import follows each listed feed without fetching it first (a list of a hundred feeds would
take minutes): each is polled at the next feed tick, and one that cannot be read fails, backs
off and is reported to the admin who imported it like any feed (bot.app.feeds). Addresses that
are not http(s) links are refused and named in the result; feeds already followed are kept as
they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from bot.core.domain import Feed
from bot.core.texts import UserText
from bot.ingest.opml import ListedFeed, read_opml, write_opml
from bot.store import Store

MAX_IMPORTED_FEEDS = 500
MAX_FEED_URL_CHARS = 2000  # the store's column
EXPORT_TITLE = "digestbot feeds"


@dataclass(frozen=True)
class FeedListImport:
    """What importing a feed list did."""

    followed: list[Feed] = field(default_factory=list)
    already: list[Feed] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # addresses that are no http(s) link
    left_out: int = 0  # feeds past MAX_IMPORTED_FEEDS, not imported


def import_feed_list(
    store: Store,
    data: bytes,
    *,
    name: str | UserText,
    added_by: int,
    interval_s: int,
    now: datetime,
) -> FeedListImport:
    """Follow every feed the OPML document `data` lists (NotAFeedListError when it is none),
    each polled every `interval_s` from the next tick, `added_by` told when one keeps failing."""
    listed = read_opml(data, name=name)
    result = FeedListImport(left_out=max(0, len(listed) - MAX_IMPORTED_FEEDS))
    for feed in listed[:MAX_IMPORTED_FEEDS]:
        if not _is_web_link(feed.url):
            result.refused.append(feed.url)
            continue
        followed, created = store.feeds.add(
            feed.url,
            title=feed.title or feed.url,
            added_by=added_by,
            interval_s=interval_s,
            now=now,
        )
        (result.followed if created else result.already).append(followed)
    return result


def export_feed_list(store: Store, now: datetime) -> bytes | None:
    """The followed feeds as an OPML document; None when no feed is followed."""
    feeds = store.feeds.all()
    if not feeds:
        return None
    listed = [ListedFeed(feed.url, feed.title) for feed in feeds]
    return write_opml(listed, title=EXPORT_TITLE, created=now)


def _is_web_link(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(host) and len(url) <= MAX_FEED_URL_CHARS
