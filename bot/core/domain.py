"""Plain values handed between the steps (ingest → store → summarize → select → format → deliver).

No step passes ORM rows or Telegram objects to another; these dataclasses are the contract.
All datetimes are timezone-aware UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True)
class ArticleDraft:
    """A cleaned article ready to be stored: what ingestion produces."""

    title: str
    text: str
    source: str
    author: str | None = None
    published: datetime | None = None
    language: str | None = None


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
    language: str | None = None
    also_from: tuple[str, ...] = ()

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
    """The articles about a topic over a period, best first, with an overview across them."""

    topic: str
    since: datetime
    until: datetime
    items: Sequence[DigestItem]
    overview: str | None = None


@dataclass(frozen=True)
class DigestPage:
    """One page of a digest: `digest.items` are this page's articles, `total` the digest's."""

    digest: Digest
    number: int
    count: int
    total: int


class SummaryLength(StrEnum):
    """How much of each summary a push shows: cut to `push_summary_chars`, or whole."""

    SHORT = "short"
    FULL = "full"


@dataclass(frozen=True)
class PushOptions:
    """How a subscription's pushes look: silent (no notification sound), each summary short or
    full, link previews, and at most `max_articles` articles (0: all), the rest named by a
    last line. A chat's defaults are the same value, taken by its new subscriptions."""

    silent: bool = False
    summary: SummaryLength = SummaryLength.SHORT
    previews: bool = False
    max_articles: int = 0


@dataclass(frozen=True)
class Subscription:
    """A chat following a topic on a schedule (canonical spec, see bot.core.schedule), pushed
    into the forum topic `thread_id` (None: the chat itself), unless paused (`paused_at`)."""

    id: int
    chat_id: int
    topic: str
    schedule: str
    timezone: str
    next_run_at: datetime
    covered_until: datetime
    thread_id: int | None = None
    paused_at: datetime | None = None
    options: PushOptions = PushOptions()
    language: str | None = None  # the chat's, for the bot's texts (None: not chosen)

    @property
    def paused(self) -> bool:
        """Whether the subscription gets no pushes until it is resumed."""
        return self.paused_at is not None


@dataclass(frozen=True)
class RenderedMessage:
    """One Telegram message of a digest: its HTML text and the (article id, title) pairs of the
    articles whose block begins in it (the message's "Full summary" buttons)."""

    text: str
    articles: tuple[tuple[int, str], ...] = ()


class DeliveryStatus(StrEnum):
    """Where a delivery stands; the store keeps the value."""

    SENDING = "sending"  # begun: its messages are fixed, `parts_sent` of them confirmed
    SENT = "sent"  # every message confirmed; its articles count as delivered
    FAILED = "failed"  # Telegram refused a message: its articles stay for the next push


@dataclass(frozen=True)
class Delivery:
    """One push of a subscription: its messages are fixed when it begins; `parts_sent` of them
    have been confirmed by Telegram."""

    id: int
    subscription_id: int
    due_at: datetime
    covered_until: datetime
    parts: list[str]
    parts_sent: int
    # per message, the (article id, title) pairs it shows; empty lists when not recorded
    part_articles: list[list[tuple[int, str]]] = field(default_factory=list)

    def articles_of(self, index: int) -> list[tuple[int, str]]:
        """The (article id, title) pairs message `index` shows."""
        return self.part_articles[index] if index < len(self.part_articles) else []

    @property
    def messages(self) -> list[RenderedMessage]:
        """The delivery's messages with the articles each shows."""
        return [
            RenderedMessage(text, tuple(self.articles_of(index)))
            for index, text in enumerate(self.parts)
        ]


@dataclass(frozen=True)
class Feed:
    """An RSS/Atom feed the bot polls; `added_by` is the admin told when it keeps failing."""

    id: int
    url: str
    title: str
    added_by: int
    interval_s: int
    next_poll_at: datetime
    etag: str | None
    last_modified: str | None
    failures: int
    last_error: str | None
    failure_reported: bool


@dataclass(frozen=True)
class PendingReply:
    """A "Summarizing…" answer still to be completed with its article's summary."""

    chat_id: int
    message_id: int
    article_id: int
    created: bool  # whether the article was new when the answer was sent


@dataclass(frozen=True)
class Backlog:
    """Work waiting in the database, for the metrics: articles without a summary by the current
    model, subscriptions of active chats past their run time, deliveries begun and not
    finished; with the arrival of the oldest waiting article and the oldest missed run."""

    summaries_pending: int
    oldest_pending_article: datetime | None
    pushes_due: int
    oldest_due_push: datetime | None
    unfinished_deliveries: int


@dataclass(frozen=True)
class ArticleSource:
    """One source of a stored article: where it came from, when, and who sent it (chat and
    user are None for feeds and the command line; the user is None for channel posts)."""

    source: str
    added_at: datetime
    chat_id: int | None
    user_id: int | None


@dataclass(frozen=True)
class Pruned:
    """What one retention run removed (`digestbot run` prunes daily with `keep_days`)."""

    articles: int = 0
    summaries: int = 0
    deliveries: int = 0
    feed_keys: int = 0
    kept_for_deliveries: int = 0  # old articles kept because an unfinished delivery shows them
