"""RSS and Atom feeds: fetched bytes in, entries with their keys and text out (feedparser).

Never touches the network or the store. Each entry carries up to three keys (its id, its link,
and the fingerprint of its text) so that a re-published entry with a new id or link is still
recognised as seen. An entry's text is its full content when the feed carries it, else its
summary; `is_teaser` says whether that text is too short to be the article, in which case the
poller fetches the linked page. A malformed feed is read as far as feedparser recovers it
(entries cut off by the error have no text and are skipped later); a document with no entries
and a parse error is not a feed. JSON Feed 1.0/1.1, which feedparser does not read, is read
by bot.ingest.jsonfeed into the same entries.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
import lxml.html
from lxml.etree import ParserError

from bot.core.texts import UserText, user_text
from bot.ingest.errors import IngestError
from bot.ingest.fingerprint import content_fingerprint
from bot.ingest.jsonfeed import (
    JSON_FEED_TYPES,
    NotAJSONFeedError,
    looks_like_json,
    parse_json_feed,
)

FEED_TYPES = (
    frozenset(
        {
            "application/rss+xml",
            "application/atom+xml",
            "application/rdf+xml",
            "application/xml",
            "text/xml",
            "text/html",
            "text/plain",
        }
    )
    | JSON_FEED_TYPES
)
TEASER_WORDS = 150
_BLOCKS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


class NotAFeedError(IngestError):
    """The document is not an RSS, Atom or JSON feed."""


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: what identifies it, and what it says."""

    keys: tuple[str, ...]
    title: str | None
    link: str | None
    text: str
    author: str | None
    published: datetime | None

    @property
    def is_teaser(self) -> bool:
        """Whether the entry's text is too short to be the whole article."""
        return len(self.text.split()) < TEASER_WORDS


@dataclass(frozen=True)
class ParsedFeed:
    title: str | None
    entries: list[FeedEntry]


def parse_feed(content: bytes, url: str) -> ParsedFeed:
    """The title and entries of an RSS, Atom or JSON Feed document (NotAFeedError if it is
    none)."""
    if looks_like_json(content):
        try:
            title, entries = parse_json_feed(content)
        except NotAJSONFeedError as exc:
            raise NotAFeedError(_not_a_feed(url, exc.args[0])) from None
        return ParsedFeed(title=title, entries=[_entry(raw) for raw in entries])
    parsed = feedparser.parse(content)
    if not parsed.entries and (parsed.bozo or not parsed.version):
        reason = parsed.get("bozo_exception") or user_text("no RSS or Atom elements")
        raise NotAFeedError(_not_a_feed(url, reason))
    title = parsed.feed.get("title") or None
    return ParsedFeed(title=title, entries=[_entry(raw) for raw in parsed.entries])


def _not_a_feed(url: str, reason: object) -> UserText:
    return user_text(
        "{url} is not a feed I can read ({reason}). Send the link of an RSS, Atom or JSON feed.",
        url=url,
        reason=reason,
    )


def _entry(raw) -> FeedEntry:
    contents = [c.get("value", "") for c in raw.get("content", [])]
    markup = max(contents, key=len) if contents else raw.get("summary", "")
    text = _html_to_text(markup)
    link = raw.get("link", "")
    link = link if link.startswith(("http://", "https://")) else None  # RSS guids pose as links
    keys = []
    if raw.get("id"):
        keys.append(_key("id", raw["id"]))
    if link:
        keys.append(_key("link", link))
    if text.strip():
        keys.append(_key("content", content_fingerprint(text)))
    return FeedEntry(
        keys=tuple(keys),
        title=raw.get("title") or None,
        link=link,
        text=text,
        author=raw.get("author") or None,
        published=_date(raw.get("published_parsed") or raw.get("updated_parsed")),
    )


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _html_to_text(markup: str) -> str:
    """Entry HTML as plain paragraphs (feeds carry fragments, not pages)."""
    if not markup.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(markup, create_parent="div")
    except ParserError:
        return markup
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    return "\n\n".join(p.strip() for p in root.text_content().split("\n\n") if p.strip())


def _date(parsed) -> datetime | None:
    if not parsed:
        return None
    return datetime(*parsed[:6], tzinfo=UTC)
