"""OPML feed lists, the format feed readers and bots import and export subscriptions in.

Reading uses `listparser` (maintained, reads OPML 1/2 as RSS-to-Telegram-Bot, Miniflux,
FreshRSS and others write it, nested category outlines included); it is always given bytes,
so it never fetches a URL itself. Writing needs no library: an OPML file is one `<head>` and a
flat list of `<outline>` elements, which the standard library's ElementTree writes with its
attributes escaped; a dependency (the `opml` packages on PyPI are unmaintained) would add
nothing. Never touches the network or the store.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

import listparser

from bot.core.texts import UserText, user_text
from bot.ingest.errors import IngestError

MAX_OPML_BYTES = 1_000_000  # ~8,000 feeds; a larger "feed list" is something else
UNNAMED_FILE = user_text("The file")  # how a file without a name is called, in any language


class NotAFeedListError(IngestError):
    """The file is not an OPML feed list, or one too large or without feeds."""


@dataclass(frozen=True)
class ListedFeed:
    """One feed of a feed list: its address, and the title the list gives it (if any)."""

    url: str
    title: str | None = None


def read_opml(data: bytes, *, name: str | UserText = UNNAMED_FILE) -> list[ListedFeed]:
    """The feeds an OPML document lists, in order, each address once (NotAFeedListError when
    it is too large, not OPML, or lists no feed)."""
    check_feed_list_size(len(data), name=name)
    parsed = listparser.parse(bytes(data))
    if not parsed.version.startswith("opml"):
        raise NotAFeedListError(
            user_text(
                "{name} is not an OPML feed list. Export one from your feed reader "
                "(an .opml file) and send that.",
                name=name,
            )
        )
    feeds = {}
    for feed in parsed.feeds:
        url = feed.url.strip()
        if url and url not in feeds:
            feeds[url] = ListedFeed(url, (feed.title or "").strip() or None)
    if not feeds:
        raise NotAFeedListError(
            user_text("{name} is an OPML file, but it lists no feeds.", name=name)
        )
    return list(feeds.values())


def check_feed_list_size(size: int, *, name: str | UserText = UNNAMED_FILE) -> None:
    """NotAFeedListError when a file of `size` bytes is too large to be a feed list (so that
    a large upload is refused before it is downloaded)."""
    if size > MAX_OPML_BYTES:
        raise NotAFeedListError(
            user_text(
                "{name} is {size:.1f} MB; a feed list is at most {limit:.0f} MB. "
                "Send an OPML file exported from a feed reader.",
                name=name,
                size=size / 1e6,
                limit=MAX_OPML_BYTES / 1e6,
            )
        )


def write_opml(feeds: Sequence[ListedFeed], *, title: str, created: datetime) -> bytes:
    """An OPML 2.0 document listing `feeds` (UTF-8, with an XML declaration)."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(created)
    body = ElementTree.SubElement(root, "body")
    for feed in feeds:
        name = feed.title or feed.url
        ElementTree.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=feed.url)
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"
