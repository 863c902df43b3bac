"""Taking articles in: ingest (parse and clean, or fetch and extract) then store, the same
content or story once with all its sources. A draft without a language gets one detected.

A message that is only a link (or a few words around one) is read from the page it links to;
a longer text holding links is an article itself (`read_message`).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.core.domain import ArticleDraft, StoredArticle
from bot.ingest import IngestError, content_fingerprint, parse_file, parse_text
from bot.ingest.articles import MIN_ARTICLE_WORDS
from bot.ingest.fetch import FetchLimits, fetch
from bot.ingest.nearduplicates import same_story, story_signature
from bot.ingest.pages import parse_page
from bot.store import Store
from summarizer.language import detect_language

log = logging.getLogger(__name__)

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}»”’"


@dataclass(frozen=True)
class StoredOutcome:
    """One article of an ingested message or file, and whether it was new to the store."""

    article: StoredArticle
    created: bool


def store_drafts(
    store: Store,
    drafts: list[ArticleDraft],
    *,
    chat_id: int | None = None,
    user_id: int | None = None,
) -> list[StoredOutcome]:
    """Store each draft unless its content or story is stored already (then its source is
    added to the stored article's). `chat_id`: the chat that sent them, for per-chat limits;
    `user_id`: the person, who may delete what they added."""
    outcomes = []
    for draft in drafts:
        if draft.language is None:
            draft = replace(draft, language=detect_language(draft.text))
        story = story_signature(draft.text)
        article, created = store.articles.add(
            draft,
            fingerprint=content_fingerprint(draft.text),
            # stamped as late as possible: pushes select by arrival (bot.app.pushes)
            received_at=datetime.now(UTC),
            signature=story.signature,
            band_keys=story.band_keys,
            same_story=same_story,
            chat_id=chat_id,
            user_id=user_id,
        )
        outcomes.append(StoredOutcome(article, created))
    return outcomes


def ingest_text(
    store: Store, text: str, *, source: str, max_chars: int, chat_id: int | None = None
) -> list[StoredOutcome]:
    """Parse pasted or forwarded text and store the articles in it (IngestError if none)."""
    drafts = parse_text(text, source=source, max_chars=max_chars)
    return store_drafts(store, drafts, chat_id=chat_id)


def ingest_file(
    store: Store,
    name: str,
    data: bytes,
    *,
    max_chars: int,
    source: str | None = None,
    chat_id: int | None = None,
) -> list[StoredOutcome]:
    """Parse an uploaded or local file and store the articles in it (IngestError if none)."""
    drafts = parse_file(name, data, source=source, max_chars=max_chars)
    return store_drafts(store, drafts, chat_id=chat_id)


def ingest_url(
    store: Store, url: str, *, limits: FetchLimits, max_chars: int, chat_id: int | None = None
) -> list[StoredOutcome]:
    """Fetch a page and store its article(s), source = the final URL.

    Fetching and extraction finish before anything is stored, so a failure (IngestError,
    FetchError) stores nothing.
    """
    return store_drafts(store, read_link(url, limits=limits, max_chars=max_chars), chat_id=chat_id)


def link_to_fetch(text: str) -> str | None:
    """The link to fetch when a message is a link rather than an article: its first URL, if
    fewer than an article's worth of words surround it; else None."""
    links = _URL.findall(text)
    if not links:
        return None
    words_besides = len(_URL.sub(" ", text).split())
    if words_besides >= MIN_ARTICLE_WORDS:
        return None
    return links[0].rstrip(_TRAILING_PUNCTUATION)


def read_message(
    text: str, *, source: str, limits: FetchLimits, max_chars: int
) -> list[ArticleDraft]:
    """The articles of a message: those on the page of the link the message is
    (`link_to_fetch`), else those in its text, from `source` (IngestError if none)."""
    link = link_to_fetch(text)
    if link is not None:
        return read_link(link, limits=limits, max_chars=max_chars)
    return parse_text(text, source=source, max_chars=max_chars)


def read_link(url: str, *, limits: FetchLimits, max_chars: int) -> list[ArticleDraft]:
    """Fetch a page and read its article(s), source = the final URL (IngestError, logged,
    when it cannot be fetched or holds none)."""
    try:
        return parse_page(fetch(url, limits), max_chars=max_chars)
    except IngestError as exc:
        log.info("link %s not stored: %s", url, exc)
        raise
