"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org), which feedparser does not read: its items as
the entries feedparser gives for RSS and Atom, so bot.ingest.feeds treats both alike.

An item becomes a feedparser-style entry: `id`, `title`, `link` (its `url`, else its
`external_url`), `content` (its `content_html`, else its `content_text` escaped as HTML),
`summary`, `author` (1.1's first of `authors`, or 1.0's `author`) and `published_parsed` (its
`date_published`, else `date_modified`, RFC 3339, as a UTC time tuple). An item that is not an
object is skipped; a document that is not JSON, or JSON without a JSON Feed `version` and an
`items` list, is no JSON Feed. Never touches the network.
"""

from __future__ import annotations

import html
import json
import time
from datetime import UTC, datetime
from typing import Any

from bot.core.texts import user_text

JSON_FEED_TYPES = frozenset({"application/feed+json", "application/json"})
_VERSION_PREFIX = "https://jsonfeed.org/version/"


class NotAJSONFeedError(ValueError):
    """The document is not a JSON Feed; the message says why."""


def looks_like_json(content: bytes) -> bool:
    """Whether a fetched document is JSON rather than XML (its first non-blank character)."""
    return content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(content: bytes) -> tuple[str | None, list[dict[str, Any]]]:
    """The title of a JSON Feed and its items as feedparser-style entries."""
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise NotAJSONFeedError(user_text("broken JSON: {error}", error=str(exc))) from None
    if not isinstance(document, dict):
        raise NotAJSONFeedError(user_text("JSON, but not a JSON Feed object"))
    version = document.get("version")
    items = document.get("items")
    if not isinstance(version, str) or not version.startswith(_VERSION_PREFIX):
        raise NotAJSONFeedError(user_text("JSON without a JSON Feed version"))
    if not isinstance(items, list):
        raise NotAJSONFeedError(user_text("a JSON Feed without an items list"))
    title = document.get("title")
    entries = [_entry(item) for item in items if isinstance(item, dict)]
    return (title if isinstance(title, str) and title.strip() else None), entries


def _entry(item: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if item.get("id") not in (None, ""):
        entry["id"] = str(item["id"])  # 1.0 allowed numbers
    if title := _text(item.get("title")):
        entry["title"] = title
    if link := _text(item.get("url")) or _text(item.get("external_url")):
        entry["link"] = link
    markup = _text(item.get("content_html"))
    if not markup and (plain := _text(item.get("content_text"))):
        markup = html.escape(plain)
    if markup:
        entry["content"] = [{"value": markup}]
    if summary := _text(item.get("summary")):
        entry["summary"] = html.escape(summary)
    if author := _author(item):
        entry["author"] = author
    published = _date(item.get("date_published")) or _date(item.get("date_modified"))
    if published:
        entry["published_parsed"] = published
    return entry


def _text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _author(item: dict[str, Any]) -> str | None:
    authors = item.get("authors")
    candidates = authors if isinstance(authors, list) else [item.get("author")]
    for author in candidates:
        if isinstance(author, dict) and (name := _text(author.get("name"))):
            return name
    return None


def _date(value: object) -> time.struct_time | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).timetuple()
