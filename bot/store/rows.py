"""ORM tables. Datetimes are stored as naive UTC and handed out timezone-aware (UTCDateTime)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC (SQLite keeps no zone) and returns them aware."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use aware UTC datetimes")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    pass


class ArticleRow(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    language: Mapped[str | None] = mapped_column(String(16))
    story_signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    sources: Mapped[list[ArticleSourceRow]] = relationship(
        order_by="ArticleSourceRow.id", lazy="selectin", passive_deletes=True
    )


class ArticleSourceRow(Base):
    """Where an article arrived from: its first source, then each source of a duplicate of it.
    `chat_id` is the chat that sent it (None for feeds and the CLI); per-chat limits count these.
    `user_id` is the person who sent it (None for channel posts, feeds and the CLI)."""

    __tablename__ = "article_sources"
    __table_args__ = (UniqueConstraint("article_id", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str] = mapped_column(Text)
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ArticleBandRow(Base):
    """One lookup key of an article's MinHash signature (see bot.ingest.nearduplicates)."""

    __tablename__ = "article_bands"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    band_key: Mapped[str] = mapped_column(String(24), primary_key=True, index=True)


class SummaryRow(Base):
    """A summary of an article by one model; `error` set instead of `text` when the model failed."""

    __tablename__ = "summaries"
    __table_args__ = (UniqueConstraint("article_id", "model_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    model_key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ArticleVectorsRow(Base):
    """Passage embeddings of an article (float32 matrix bytes), computed once per model."""

    __tablename__ = "article_vectors"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
    )
    model_key: Mapped[str] = mapped_column(String(200), primary_key=True)
    rows: Mapped[int] = mapped_column(Integer)
    dim: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ChatRow(Base):
    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    timezone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    language: Mapped[str | None] = mapped_column(String(16))  # of the bot's texts; None: unset
    # the push options its new subscriptions take (/settings; bot.core.domain.PushOptions)
    silent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    summary: Mapped[str] = mapped_column(String(8), default="short", server_default="short")
    previews: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    max_articles: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class SubscriptionRow(Base):
    """A chat following a topic. The pair (next_run_at, covered_until) is the schedule's state.
    Its id is never reused (AUTOINCREMENT on SQLite): an Unsubscribe button of a removed
    subscription must not remove a later one given the same id."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("chat_id", "topic"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(ForeignKey("chats.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    schedule: Mapped[str] = mapped_column(String(64))
    next_run_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    covered_until: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # the forum topic pushed into
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # None: not paused
    silent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    summary: Mapped[str] = mapped_column(String(8), default="short", server_default="short")
    previews: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    max_articles: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DeliveryRow(Base):
    """One scheduled push of a subscription. Its rendered parts are frozen when it begins so a
    resumed delivery sends exactly the same messages; `parts_sent` advances after each send.
    Its id is never reused (AUTOINCREMENT on SQLite): a task still sending a delivery that an
    unsubscribe removed must not advance or finish a later delivery given the same id."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("subscription_id", "due_at"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        ForeignKey("subscriptions.id", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    covered_until: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16))
    parts: Mapped[str] = mapped_column(Text)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)
    # JSON, per message: [[article id, title], ...] of the articles it shows (for its buttons)
    part_articles: Mapped[str | None] = mapped_column(Text)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FeedRow(Base):
    """An RSS/Atom feed polled on its own interval. (next_poll_at, etag, last_modified,
    failures) is its schedule and conditional-GET state, saved after every poll."""

    __tablename__ = "feeds"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(Text)
    added_by: Mapped[int] = mapped_column(BigInteger)
    interval_s: Mapped[int] = mapped_column(Integer)
    next_poll_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    failure_reported: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeedEntryRow(Base):
    """A key of a feed entry already taken in ("id:…", "link:…" or "content:…" hashed), so an
    entry re-published under a new id or link is still recognised."""

    __tablename__ = "feed_entries"

    feed_id: Mapped[int] = mapped_column(
        ForeignKey("feeds.id", ondelete="CASCADE"), primary_key=True
    )
    entry_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LeaseRow(Base):
    """A right only one process holds at a time (e.g. "pushes"): `holder` names the process,
    and the lease is free once `expires_at` passes without the holder renewing it."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PendingReplyRow(Base):
    """A "Summarizing…" answer sent and not yet completed with the summary; a restart completes
    the ones a crash left behind."""

    __tablename__ = "pending_replies"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    message_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    created: Mapped[bool] = mapped_column(Boolean)


class TelegramUpdateRow(Base):
    """An update taken from Telegram's webhook by one of the replicas: a second delivery of the
    same `update_id` (Telegram's retry, or another replica) is dropped. Pruned after a day."""

    __tablename__ = "telegram_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
