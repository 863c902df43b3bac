"""Taking articles in: ingest (parse and clean, or fetch and extract) then store, identical
content once. A draft without a language gets one detected from its text."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from bot.domain import ArticleDraft, StoredArticle
from bot.ingest import content_fingerprint, parse_file, parse_text
from bot.ingest.fetch import FetchLimits, fetch
from bot.ingest.language import detect_language
from bot.ingest.pages import parse_page
from bot.store import Store


@dataclass(frozen=True)
class StoredOutcome:
    """One article of an ingested message or file, and whether it was new to the store."""

    article: StoredArticle
    created: bool


def store_drafts(store: Store, drafts: list[ArticleDraft]) -> list[StoredOutcome]:
    """Store each draft unless its content is stored already."""
    received_at = datetime.now(UTC)
    outcomes = []
    for draft in drafts:
        if draft.language is None:
            draft = replace(draft, language=detect_language(draft.text))
        article, created = store.add_article(
            draft, fingerprint=content_fingerprint(draft.text), received_at=received_at
        )
        outcomes.append(StoredOutcome(article, created))
    return outcomes


def ingest_text(store: Store, text: str, *, source: str, max_chars: int) -> list[StoredOutcome]:
    """Parse pasted or forwarded text and store the articles in it (IngestError if none)."""
    return store_drafts(store, parse_text(text, source=source, max_chars=max_chars))


def ingest_file(
    store: Store, name: str, data: bytes, *, max_chars: int, source: str | None = None
) -> list[StoredOutcome]:
    """Parse an uploaded or local file and store the articles in it (IngestError if none)."""
    return store_drafts(store, parse_file(name, data, source=source, max_chars=max_chars))


def ingest_url(
    store: Store, url: str, *, limits: FetchLimits, max_chars: int
) -> list[StoredOutcome]:
    """Fetch a page and store its article(s), source = the final URL.

    Fetching and extraction finish before anything is stored, so a failure (IngestError,
    FetchError) stores nothing.
    """
    return store_drafts(store, parse_page(fetch(url, limits), max_chars=max_chars))
