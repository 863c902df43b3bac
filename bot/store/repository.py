"""All queries of digestbot: articles, summaries, passage vectors, chats, subscriptions, deliveries.

Every public method runs in its own short transaction and returns plain values from bot.domain.
A connection that fails (database restarting, file locked too long) is retried a few times
with backoff before `DatabaseUnavailable` is raised; nothing is half-written, because each
method is one transaction.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

import numpy as np
from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.domain import ArticleDraft, Delivery, StoredArticle, Subscription
from bot.store.db import DatabaseUnavailable
from bot.store.models import (
    ArticleRow,
    ArticleVectorsRow,
    ChatRow,
    DeliveryRow,
    SubscriptionRow,
    SummaryRow,
    UTCDateTime,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_DELAYS_S = (0.5, 1.0, 2.0)


class Store:
    """The database behind digestbot, opened with bot.store.open_store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def _run(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction, retrying when the database cannot be reached."""
        for attempt, delay in enumerate((*RETRY_DELAYS_S, None)):
            try:
                with self._transaction() as session:
                    return work(session)
            except (OperationalError, InterfaceError) as exc:
                if delay is None:
                    raise DatabaseUnavailable(f"database unavailable: {exc.orig}") from exc
                log.warning("database error (attempt %d), retrying: %s", attempt + 1, exc.orig)
                time.sleep(delay)
        raise AssertionError("unreachable")

    # -- articles -----------------------------------------------------------------------------

    def add_article(
        self, draft: ArticleDraft, *, fingerprint: str, received_at: datetime
    ) -> tuple[StoredArticle, bool]:
        """Store `draft` unless identical content (same fingerprint) is stored already.

        Returns the stored article and whether it was new.
        """

        def work(session: Session) -> tuple[StoredArticle, bool]:
            existing = session.scalar(
                select(ArticleRow).where(ArticleRow.fingerprint == fingerprint)
            )
            if existing is not None:
                return _article(existing), False
            row = ArticleRow(
                fingerprint=fingerprint,
                title=draft.title,
                text=draft.text,
                source=draft.source,
                author=draft.author,
                published=draft.published,
                received_at=received_at,
            )
            session.add(row)
            session.flush()
            return _article(row), True

        try:
            return self._run(work)
        except IntegrityError:  # stored concurrently by another process: same content
            found = self._run(
                lambda s: s.scalar(select(ArticleRow).where(ArticleRow.fingerprint == fingerprint))
            )
            return _article(found), False

    def article(self, article_id: int) -> StoredArticle | None:
        """The article with this id, if any."""
        return self._run(lambda s: (row := s.get(ArticleRow, article_id)) and _article(row))

    def count_articles(self) -> int:
        """How many articles are stored."""
        return self._run(lambda s: s.scalar(select(func.count(ArticleRow.id))) or 0)

    def articles_dated_between(self, since: datetime, until: datetime) -> list[StoredArticle]:
        """Articles whose date (publication when known, else arrival) lies in [since, until]."""
        dated = func.coalesce(ArticleRow.published, ArticleRow.received_at, type_=UTCDateTime)
        query = select(ArticleRow).where(dated >= since, dated <= until)
        return self._run(lambda s: [_article(r) for r in s.scalars(query)])

    def articles_received_between(self, after: datetime, until: datetime) -> list[StoredArticle]:
        """Articles that arrived in (after, until]."""
        query = select(ArticleRow).where(
            ArticleRow.received_at > after, ArticleRow.received_at <= until
        )
        return self._run(lambda s: [_article(r) for r in s.scalars(query)])

    # -- summaries and vectors ----------------------------------------------------------------

    def articles_missing_summary(self, model_key: str, limit: int) -> list[StoredArticle]:
        """Oldest articles without a summary (or recorded failure) by `model_key`."""
        done = select(SummaryRow.article_id).where(SummaryRow.model_key == model_key)
        query = (
            select(ArticleRow)
            .where(ArticleRow.id.not_in(done))
            .order_by(ArticleRow.id)
            .limit(limit)
        )
        return self._run(lambda s: [_article(r) for r in s.scalars(query)])

    def save_summary(
        self, article_id: int, model_key: str, *, text: str | None, error: str | None = None
    ) -> None:
        """Record the summary of an article by a model, or why the model failed on it."""

        def work(session: Session) -> None:
            row = session.scalar(
                select(SummaryRow).where(
                    SummaryRow.article_id == article_id, SummaryRow.model_key == model_key
                )
            )
            if row is None:
                row = SummaryRow(article_id=article_id, model_key=model_key)
                session.add(row)
            row.text, row.error, row.created_at = text, error, _now()

        self._run(work)

    def summaries(self, article_ids: list[int], model_key: str) -> dict[int, str | None]:
        """Summaries by `model_key` of the given articles (None where the model failed)."""
        if not article_ids:
            return {}
        query = select(SummaryRow.article_id, SummaryRow.text).where(
            SummaryRow.model_key == model_key, SummaryRow.article_id.in_(article_ids)
        )
        return self._run(lambda s: dict(s.execute(query).all()))

    def summary_state(self, article_id: int, model_key: str) -> tuple[str | None, str | None]:
        """(summary, error) of one article by `model_key`; (None, None) while not yet made."""
        query = select(SummaryRow.text, SummaryRow.error).where(
            SummaryRow.article_id == article_id, SummaryRow.model_key == model_key
        )
        return self._run(lambda s: tuple(s.execute(query).first() or (None, None)))

    def save_vectors(self, article_id: int, model_key: str, vectors: np.ndarray) -> None:
        """Store an article's passage vectors for `model_key` (replacing older ones)."""
        array = np.ascontiguousarray(vectors, dtype=np.float32)

        def work(session: Session) -> None:
            session.merge(
                ArticleVectorsRow(
                    article_id=article_id,
                    model_key=model_key,
                    rows=array.shape[0],
                    dim=array.shape[1],
                    data=array.tobytes(),
                )
            )

        try:
            self._run(work)
        except IntegrityError:  # stored concurrently by another thread or process: same vectors
            log.debug("vectors of article %d were stored concurrently", article_id)

    def vectors(self, article_ids: list[int], model_key: str) -> dict[int, np.ndarray]:
        """Stored passage vectors by `model_key` of the given articles."""
        if not article_ids:
            return {}
        query = select(ArticleVectorsRow).where(
            ArticleVectorsRow.model_key == model_key, ArticleVectorsRow.article_id.in_(article_ids)
        )

        def work(session: Session) -> dict[int, np.ndarray]:
            return {
                row.article_id: np.frombuffer(row.data, dtype=np.float32).reshape(row.rows, row.dim)
                for row in session.scalars(query)
            }

        return self._run(work)

    # -- chats and subscriptions --------------------------------------------------------------

    def ensure_chat(self, chat_id: int, *, timezone: str) -> str:
        """Create the chat if new (with `timezone`), mark it active; returns its time zone."""

        def work(session: Session) -> str:
            row = session.get(ChatRow, chat_id)
            if row is None:
                row = ChatRow(id=chat_id, timezone=timezone, active=True, created_at=_now())
                session.add(row)
            row.active = True
            return row.timezone

        return self._run(work)

    def set_chat_active(self, chat_id: int, active: bool) -> None:
        """Stop (or resume) pushes to a chat; its subscriptions are kept."""

        def work(session: Session) -> None:
            row = session.get(ChatRow, chat_id)
            if row is not None:
                row.active = active

        self._run(work)

    def set_timezone(
        self, chat_id: int, timezone: str, reschedule: Callable[[Subscription], datetime]
    ) -> list[Subscription]:
        """Set a known chat's time zone and, in the same transaction, each of its subscriptions'
        next run to `reschedule(subscription)` (called with the new zone). Returns them."""

        def work(session: Session) -> list[Subscription]:
            chat = session.get(ChatRow, chat_id)
            chat.timezone = timezone
            rows = session.scalars(
                select(SubscriptionRow)
                .where(SubscriptionRow.chat_id == chat_id)
                .order_by(SubscriptionRow.topic)
            ).all()
            for row in rows:
                row.next_run_at = reschedule(_subscription(row, chat))
            return [_subscription(row, chat) for row in rows]

        return self._run(work)

    def move_chat(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup with a new id: move the chat and its subscriptions there
        (a topic the new id already follows keeps the new id's subscription)."""

        def work(session: Session) -> None:
            old = session.get(ChatRow, old_chat_id)
            if old is None:
                return
            new = session.get(ChatRow, new_chat_id)
            if new is None:
                new = ChatRow(
                    id=new_chat_id, timezone=old.timezone, active=old.active, created_at=_now()
                )
                session.add(new)
                session.flush()
            taken = set(
                session.scalars(
                    select(SubscriptionRow.topic).where(SubscriptionRow.chat_id == new_chat_id)
                )
            )
            for row in session.scalars(
                select(SubscriptionRow).where(SubscriptionRow.chat_id == old_chat_id)
            ).all():
                if row.topic in taken:
                    session.delete(row)
                else:
                    row.chat_id = new_chat_id
            session.flush()
            session.delete(old)

        self._run(work)

    def set_schedule(self, subscription_id: int, *, schedule: str, next_run_at: datetime) -> None:
        """Give a subscription a new schedule and next run."""

        def work(session: Session) -> None:
            row = session.get(SubscriptionRow, subscription_id)
            row.schedule, row.next_run_at = schedule, next_run_at

        self._run(work)

    def subscribe(
        self,
        chat_id: int,
        topic: str,
        *,
        schedule: str,
        next_run_at: datetime,
        covered_until: datetime,
    ) -> tuple[Subscription, bool]:
        """Subscribe a chat to a topic; returns the subscription and whether it is new."""

        def work(session: Session) -> tuple[Subscription, bool]:
            row = session.scalar(
                select(SubscriptionRow).where(
                    SubscriptionRow.chat_id == chat_id, SubscriptionRow.topic == topic
                )
            )
            if row is not None:
                return _subscription(row, session.get(ChatRow, chat_id)), False
            row = SubscriptionRow(
                chat_id=chat_id,
                topic=topic,
                schedule=schedule,
                next_run_at=next_run_at,
                covered_until=covered_until,
                created_at=_now(),
            )
            session.add(row)
            session.flush()
            return _subscription(row, session.get(ChatRow, chat_id)), True

        return self._run(work)

    def unsubscribe(self, chat_id: int, topic: str) -> bool:
        """Remove a chat's subscription to a topic; False when there was none."""

        def work(session: Session) -> bool:
            row = session.scalar(
                select(SubscriptionRow).where(
                    SubscriptionRow.chat_id == chat_id, SubscriptionRow.topic == topic
                )
            )
            if row is None:
                return False
            session.delete(row)
            return True

        return self._run(work)

    def subscriptions(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, by topic."""
        query = (
            select(SubscriptionRow, ChatRow)
            .join(ChatRow, SubscriptionRow.chat_id == ChatRow.id)
            .where(SubscriptionRow.chat_id == chat_id)
            .order_by(SubscriptionRow.topic)
        )
        return self._run(lambda s: [_subscription(sub, chat) for sub, chat in s.execute(query)])

    def due_subscriptions(self, now: datetime) -> list[Subscription]:
        """Subscriptions of active chats that are due or have a delivery to finish."""
        unfinished = select(DeliveryRow.subscription_id).where(DeliveryRow.status == "sending")
        query = (
            select(SubscriptionRow, ChatRow)
            .join(ChatRow, SubscriptionRow.chat_id == ChatRow.id)
            .where(
                ChatRow.active.is_(True),
                or_(SubscriptionRow.next_run_at <= now, SubscriptionRow.id.in_(unfinished)),
            )
            .order_by(SubscriptionRow.next_run_at)
        )
        return self._run(lambda s: [_subscription(sub, chat) for sub, chat in s.execute(query)])

    # -- deliveries ---------------------------------------------------------------------------

    def delivery(self, delivery_id: int) -> Delivery | None:
        """The delivery with this id, if any."""
        return self._run(lambda s: (row := s.get(DeliveryRow, delivery_id)) and _delivery(row))

    def subscription(self, subscription_id: int) -> Subscription | None:
        """The subscription with this id, if any."""

        def work(session: Session) -> Subscription | None:
            row = session.get(SubscriptionRow, subscription_id)
            return row and _subscription(row, session.get(ChatRow, row.chat_id))

        return self._run(work)

    def unfinished_delivery(self, subscription_id: int) -> Delivery | None:
        """The delivery of this subscription that began and did not finish, if any."""
        query = select(DeliveryRow).where(
            and_(DeliveryRow.subscription_id == subscription_id, DeliveryRow.status == "sending")
        )
        return self._run(lambda s: (row := s.scalar(query)) and _delivery(row))

    def begin_delivery(
        self,
        subscription_id: int,
        *,
        due_at: datetime,
        covered_until: datetime,
        parts: list[str],
        part_articles: list[list[tuple[int, str]]] | None = None,
    ) -> Delivery:
        """Record that the push due at `due_at` starts, with the exact messages it will send
        (and, per message, the (article id, title) pairs it shows)."""

        def work(session: Session) -> Delivery:
            row = DeliveryRow(
                subscription_id=subscription_id,
                due_at=due_at,
                covered_until=covered_until,
                status="sending",
                parts=json.dumps(parts),
                part_articles=json.dumps(part_articles or []),
                parts_sent=0,
                created_at=_now(),
            )
            session.add(row)
            session.flush()
            return _delivery(row)

        return self._run(work)

    def replace_parts(
        self, delivery_id: int, parts: list[str], part_articles: list[list[tuple[int, str]]]
    ) -> None:
        """Change the messages a delivery still has to send (those before `parts_sent` are
        unchanged): a message Telegram refused is replaced by a re-split or plain version."""

        def work(session: Session) -> None:
            row = session.get(DeliveryRow, delivery_id)
            row.parts, row.part_articles = json.dumps(parts), json.dumps(part_articles)

        self._run(work)

    def mark_part_sent(self, delivery_id: int, parts_sent: int) -> None:
        """Record that Telegram confirmed the first `parts_sent` messages of a delivery."""

        def work(session: Session) -> None:
            session.get(DeliveryRow, delivery_id).parts_sent = parts_sent

        self._run(work)

    def finish_delivery(
        self, delivery_id: int, *, status: str, next_run_at: datetime, error: str | None = None
    ) -> None:
        """Close a delivery and, in the same transaction, move its subscription on.

        With status "sent" or "empty" the subscription's articles up to the delivery's cutoff
        count as delivered; with "failed" they stay for the next push.
        """

        def work(session: Session) -> None:
            row = session.get(DeliveryRow, delivery_id)
            row.status, row.error, row.finished_at = status, error, _now()
            subscription = session.get(SubscriptionRow, row.subscription_id)
            if subscription is None:
                return
            if status in ("sent", "empty"):
                subscription.covered_until = row.covered_until
            subscription.next_run_at = next_run_at

        self._run(work)

    def deliveries(self, subscription_id: int) -> list[tuple[str, int, datetime]]:
        """(status, parts sent, due time) of every delivery of a subscription, oldest first."""
        query = (
            select(DeliveryRow.status, DeliveryRow.parts_sent, DeliveryRow.due_at)
            .where(DeliveryRow.subscription_id == subscription_id)
            .order_by(DeliveryRow.id)
        )
        return self._run(lambda s: [tuple(r) for r in s.execute(query)])


def _now() -> datetime:
    return datetime.now(UTC)


def _article(row: ArticleRow) -> StoredArticle:
    return StoredArticle(
        id=row.id,
        title=row.title,
        text=row.text,
        source=row.source,
        author=row.author,
        published=row.published,
        received_at=row.received_at,
    )


def _subscription(row: SubscriptionRow, chat: ChatRow) -> Subscription:
    return Subscription(
        id=row.id,
        chat_id=row.chat_id,
        topic=row.topic,
        schedule=row.schedule,
        timezone=chat.timezone,
        next_run_at=row.next_run_at,
        covered_until=row.covered_until,
    )


def _delivery(row: DeliveryRow) -> Delivery:
    return Delivery(
        id=row.id,
        subscription_id=row.subscription_id,
        due_at=row.due_at,
        covered_until=row.covered_until,
        parts=json.loads(row.parts),
        parts_sent=row.parts_sent,
        part_articles=[
            [(article_id, title) for article_id, title in articles]
            for articles in json.loads(row.part_articles or "[]")
        ],
    )
