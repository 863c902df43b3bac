"""Plain values handed between the steps (ingest → store → summarize → select → format → deliver).

No step passes ORM rows or Telegram objects to another; these dataclasses are the contract.
All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ArticleDraft:
    """A cleaned article ready to be stored: what ingestion produces."""

    title: str
    text: str
    source: str
    author: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class StoredArticle:
    """An article as the store holds it."""

    id: int
    title: str
    text: str
    source: str
    author: str | None
    published: datetime | None
    received_at: datetime

    @property
    def dated(self) -> datetime:
        """The date a digest files the article under: publication when known, else arrival."""
        return self.published or self.received_at


@dataclass(frozen=True)
class DigestItem:
    """One article of a digest, with its summary and how well it matches the topic."""

    article: StoredArticle
    summary: str | None
    relevance: float


@dataclass(frozen=True)
class Digest:
    """The articles about a topic over a period, best first."""

    topic: str
    since: datetime
    until: datetime
    items: list[DigestItem]
