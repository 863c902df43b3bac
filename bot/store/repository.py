"""All queries of digestbot: articles, summaries, passage vectors, chats, subscriptions, deliveries.

Every public method runs in its own short transaction and returns plain values from bot.core.domain.
A connection that fails (database restarting, file locked too long) is retried a few times
with backoff before `DatabaseUnavailable` is raised; nothing is half-written, because each
method is one transaction.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np
from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.domain import (
    ArticleDraft,
    Delivery,
    Feed,
    PendingReply,
    StoredArticle,
    Subscription,
)
from bot.store.database import DatabaseBusy, DatabaseGone, DatabaseReadOnly, DatabaseUnavailable
from bot.store.rows import (
    ArticleBandRow,
    ArticleRow,
    ArticleSourceRow,
    ArticleVectorsRow,
    ChatRow,
    DeliveryRow,
    FeedEntryRow,
    FeedRow,
    LeaseRow,
    PendingReplyRow,
    SubscriptionRow,
    SummaryRow,
    UTCDateTime,
)

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRY_DELAYS_S = (0.5, 1.0, 2.0)
CACHED_ARTICLES = 120_000  # articles (~3 KB) and vector sets (~1.5 KB a passage) kept in memory
_IDS_PER_QUERY = 5_000  # below SQLite's limit of bound parameters


class Store:
    """The database behind digestbot, opened with bot.store.open_store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # who this Store is when it takes a lease: host, process and a token of its own
        self.instance_id = f"{socket.gethostname()} pid {os.getpid()} {secrets.token_hex(4)}"
        self._file = _sqlite_file(engine)
        self._file_identity = self._file and _identity(self._file)
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Stored articles and their passage vectors (under one model key) do not change, but for
        # an article's list of sources, which grows when a duplicate arrives: what was read or
        # saved (or stored as new) is kept in memory, the oldest dropped past CACHED_ARTICLES,
        # and an article is forgotten when this process adds a source to it. /digest over a large
        # period then reads only articles stored by other processes from the database. (A source
        # added by another process shows in this one once the article leaves the cache.)
        self._vector_cache: dict[tuple[str, int], np.ndarray] = {}
        self._article_cache: dict[int, StoredArticle] = {}
        self._cache_lock = threading.Lock()

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()

    def check_file(self) -> None:
        """Raise DatabaseGone when the SQLite file opened at start has been deleted or replaced
        by another file since (an open connection would go on writing to the deleted one)."""
        if self._file is not None and _identity(self._file) != self._file_identity:
            raise DatabaseGone(
                f"the database file {self._file} was deleted or replaced while the bot ran"
            )

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def _transaction(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    def _run(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction, retrying when the database cannot be reached. A
        SQLite file locked past its busy timeout is not retried (that wait is over already)."""
        for attempt, delay in enumerate((*RETRY_DELAYS_S, None)):
            try:
                with self._transaction() as session:
                    return work(session)
            except (OperationalError, InterfaceError) as exc:
                if "database is locked" in str(exc.orig):
                    raise DatabaseBusy(f"database busy: {exc.orig}") from exc
                if "readonly database" in str(exc.orig):  # retrying would not help
                    raise DatabaseReadOnly(f"database read-only: {exc.orig}") from exc
                if delay is None:
                    raise DatabaseUnavailable(f"database unavailable: {exc.orig}") from exc
                log.warning("database error (attempt %d), retrying: %s", attempt + 1, exc.orig)
                time.sleep(delay)
        raise AssertionError("unreachable")

    # -- articles -----------------------------------------------------------------------------

    def add_article(
        self,
        draft: ArticleDraft,
        *,
        fingerprint: str,
        received_at: datetime,
        signature: bytes | None = None,
        band_keys: Sequence[str] = (),
        same_story: Callable[[bytes, bytes], bool] | None = None,
        chat_id: int | None = None,
    ) -> tuple[StoredArticle, bool]:
        """Store `draft` unless the same content (fingerprint) or the same story is stored.

        The same story is an article sharing one of `band_keys` whose stored signature
        `same_story(signature, stored)` accepts. A duplicate adds its source to the stored
        article's sources. Returns the stored article and whether it was new.
        """

        def work(session: Session) -> tuple[StoredArticle, bool]:
            existing = session.scalar(
                select(ArticleRow).where(ArticleRow.fingerprint == fingerprint)
            )
            if existing is None and signature is not None and band_keys and same_story:
                existing = _same_story_article(session, signature, band_keys, same_story)
            if existing is not None:
                if draft.source not in {s.source for s in existing.sources}:
                    existing.sources.append(
                        ArticleSourceRow(source=draft.source, chat_id=chat_id, added_at=received_at)
                    )
                    session.flush()
                    with self._cache_lock:
                        self._article_cache.pop(existing.id, None)
                return _article(existing), False
            row = ArticleRow(
                fingerprint=fingerprint,
                title=draft.title,
                text=draft.text,
                source=draft.source,
                author=draft.author,
                published=draft.published,
                received_at=received_at,
                language=draft.language,
                story_signature=signature,
                sources=[
                    ArticleSourceRow(source=draft.source, chat_id=chat_id, added_at=received_at)
                ],
            )
            session.add(row)
            session.flush()
            if band_keys:
                session.execute(
                    insert(ArticleBandRow),
                    [{"article_id": row.id, "band_key": key} for key in set(band_keys)],
                )
            return _article(row), True

        try:
            stored, new = self._run(work)
        except IntegrityError:
            # Another process stored the same content, or added this source to the same story,
            # between our reads and our write: done again, the work now finds what it stored.
            stored, new = self._run(work)
        if new:  # the next digest of its period finds it in memory
            self._remember(self._article_cache, {stored.id: stored})
        return stored, new

    def count_added_by_chat(self, chat_id: int, since: datetime) -> int:
        """How many article sources `chat_id` added since `since` (new articles and duplicates
        from a new source)."""
        query = select(func.count(ArticleSourceRow.id)).where(
            ArticleSourceRow.chat_id == chat_id, ArticleSourceRow.added_at >= since
        )
        return self._run(lambda s: s.scalar(query) or 0)

    def article(self, article_id: int) -> StoredArticle | None:
        """The article with this id, if any."""
        return self._run(lambda s: (row := s.get(ArticleRow, article_id)) and _article(row))

    def count_articles(self) -> int:
        """How many articles are stored."""
        return self._run(lambda s: s.scalar(select(func.count(ArticleRow.id))) or 0)

    def articles_dated_between(self, since: datetime, until: datetime) -> list[StoredArticle]:
        """Articles whose date (publication when known, else arrival) lies in [since, until]."""
        dated = func.coalesce(ArticleRow.published, ArticleRow.received_at, type_=UTCDateTime)
        return self._articles_where(dated >= since, dated <= until)

    def articles_received_between(self, after: datetime, until: datetime) -> list[StoredArticle]:
        """Articles that arrived in (after, until]."""
        return self._articles_where(ArticleRow.received_at > after, ArticleRow.received_at <= until)

    def _articles_where(self, *conditions) -> list[StoredArticle]:
        """The articles meeting `conditions`, by id (so a later period's list continues an
        earlier one's, which the topic matcher builds on); rows already read come from memory
        (stored articles never change), so a large period costs one query of ids."""
        query = select(ArticleRow.id).where(*conditions).order_by(ArticleRow.id)
        ids = self._run(lambda s: list(s.scalars(query)))
        with self._cache_lock:
            known = {i: self._article_cache[i] for i in ids if i in self._article_cache}
        missing = [i for i in ids if i not in known]
        for start in range(0, len(missing), _IDS_PER_QUERY):
            chunk = missing[start : start + _IDS_PER_QUERY]
            query = select(ArticleRow).where(ArticleRow.id.in_(chunk))
            loaded = self._run(lambda s, q=query: {r.id: _article(r) for r in s.scalars(q)})
            self._remember(self._article_cache, loaded)
            known |= loaded
        return [known[i] for i in ids if i in known]

    def articles_naming(self, terms: list[str]) -> set[int]:
        """Ids of the articles whose title or text holds words starting with `terms`, adjacent
        and in order (["north", "kore"] finds "North Korean"), from the full-text index: FTS5
        on SQLite, the `search` tsvector on PostgreSQL (migration 0004). Terms are word
        characters only (`summarizer.topic_names.topic_terms`); an empty list names nothing."""
        if not terms:
            return set()
        if any(not term.isalnum() for term in terms):
            raise ValueError(f"search terms must be letters and digits: {terms!r}")
        if self.engine.dialect.name == "sqlite":
            query = sql_text("SELECT rowid FROM articles_fts WHERE articles_fts MATCH :query")
            phrase = " + ".join(f'"{term}"*' for term in terms)
        else:
            query = sql_text("SELECT id FROM articles WHERE search @@ to_tsquery('simple', :query)")
            phrase = " <-> ".join(f"{term}:*" for term in terms)
        return self._run(lambda s: set(s.scalars(query, {"query": phrase})))

    # -- answers awaiting a summary -----------------------------------------------------------

    def remember_pending_reply(self, reply: PendingReply) -> None:
        """Record a "Summarizing…" answer, so a restart completes it if this process cannot."""
        row = {
            "chat_id": reply.chat_id,
            "message_id": reply.message_id,
            "article_id": reply.article_id,
            "created": reply.created,
        }
        self._run(lambda session: _insert_new(session, PendingReplyRow, [row]))

    def forget_pending_reply(self, chat_id: int, message_id: int) -> None:
        """The answer was completed (or cannot be): nothing left to do for it."""
        query = delete(PendingReplyRow).where(
            PendingReplyRow.chat_id == chat_id, PendingReplyRow.message_id == message_id
        )
        self._run(lambda session: session.execute(query))

    def pending_replies(self) -> list[PendingReply]:
        """The "Summarizing…" answers not completed yet, oldest article first."""
        query = select(PendingReplyRow).order_by(PendingReplyRow.article_id)
        return self._run(
            lambda session: [
                PendingReply(r.chat_id, r.message_id, r.article_id, r.created)
                for r in session.scalars(query)
            ]
        )

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

        values = {"text": text, "error": error, "created_at": _now()}
        self._run(
            lambda session: _upsert(
                session, SummaryRow, {"article_id": article_id, "model_key": model_key}, values
            )
        )

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

        values = {"rows": array.shape[0], "dim": array.shape[1], "data": array.tobytes()}
        try:
            self._run(
                lambda session: _upsert(
                    session,
                    ArticleVectorsRow,
                    {"article_id": article_id, "model_key": model_key},
                    values,
                )
            )
        except DatabaseReadOnly as exc:  # vectors are a cache: reading goes on without storing
            log.warning("passage vectors of article %d kept in memory only: %s", article_id, exc)
        self._remember(self._vector_cache, {(model_key, article_id): array})

    def vectors(self, article_ids: list[int], model_key: str) -> dict[int, np.ndarray]:
        """Stored passage vectors by `model_key` of the given articles."""
        with self._cache_lock:
            found = {
                i: self._vector_cache[(model_key, i)]
                for i in article_ids
                if (model_key, i) in self._vector_cache
            }
        missing = [i for i in article_ids if i not in found]
        if not missing:
            return found
        query = select(ArticleVectorsRow).where(
            ArticleVectorsRow.model_key == model_key, ArticleVectorsRow.article_id.in_(missing)
        )

        def work(session: Session) -> dict[int, np.ndarray]:
            return {
                row.article_id: np.frombuffer(row.data, dtype=np.float32).reshape(row.rows, row.dim)
                for row in session.scalars(query)
            }

        loaded = self._run(work)
        self._remember(self._vector_cache, {(model_key, i): v for i, v in loaded.items()})
        return found | loaded

    def _remember(self, cache: dict, entries: dict) -> None:
        with self._cache_lock:
            cache.update(entries)
            while len(cache) > CACHED_ARTICLES:
                del cache[next(iter(cache))]

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
    ) -> bool:
        """Change the messages a delivery still has to send (those before `parts_sent` are
        unchanged): a message Telegram refused is replaced by a re-split or plain version.
        False when the delivery is gone (its subscription was removed meanwhile)."""

        def work(session: Session) -> bool:
            row = session.get(DeliveryRow, delivery_id)
            if row is None:
                return False
            row.parts, row.part_articles = json.dumps(parts), json.dumps(part_articles)
            return True

        return self._run(work)

    def mark_part_sent(self, delivery_id: int, parts_sent: int) -> bool:
        """Record that Telegram confirmed the first `parts_sent` messages of a delivery; False
        when the delivery is gone (its subscription was removed while it was being sent)."""

        def work(session: Session) -> bool:
            row = session.get(DeliveryRow, delivery_id)
            if row is None:
                return False
            row.parts_sent = parts_sent
            return True

        return self._run(work)

    def finish_delivery(
        self, delivery_id: int, *, status: str, next_run_at: datetime, error: str | None = None
    ) -> None:
        """Close a delivery and, in the same transaction, move its subscription on.

        With status "sent" the subscription's articles up to the delivery's cutoff count as
        delivered; with "failed" they stay for the next push.
        """

        def work(session: Session) -> None:
            row = session.get(DeliveryRow, delivery_id)
            if row is None:  # its subscription was removed meanwhile
                return
            row.status, row.error, row.finished_at = status, error, _now()
            subscription = session.get(SubscriptionRow, row.subscription_id)
            if subscription is None:
                return
            if status == "sent":
                subscription.covered_until = row.covered_until
            subscription.next_run_at = next_run_at

        self._run(work)

    def skip_empty_run(
        self, subscription_id: int, *, covered_until: datetime, next_run_at: datetime
    ) -> None:
        """A run with nothing to send: move the subscription on (its articles up to
        `covered_until` count as delivered) without recording a delivery."""

        def work(session: Session) -> None:
            row = session.get(SubscriptionRow, subscription_id)
            if row is not None:
                row.covered_until, row.next_run_at = covered_until, next_run_at

        self._run(work)

    def deliveries(self, subscription_id: int) -> list[tuple[str, int, datetime]]:
        """(status, parts sent, due time) of every delivery of a subscription, oldest first."""
        query = (
            select(DeliveryRow.status, DeliveryRow.parts_sent, DeliveryRow.due_at)
            .where(DeliveryRow.subscription_id == subscription_id)
            .order_by(DeliveryRow.id)
        )
        return self._run(lambda s: [tuple(r) for r in s.execute(query)])

    # -- leases -------------------------------------------------------------------------------

    def take_lease(self, name: str, holder: str, *, now: datetime, ttl_s: float) -> bool:
        """Take or renew the lease `name` for `holder` until `now + ttl_s`; False while another
        holder's lease has not expired. One conditional statement each, so two processes asking
        at once cannot both get it."""

        def work(session: Session) -> bool:
            _insert_new(session, LeaseRow, [{"name": name, "holder": holder, "expires_at": now}])
            taken = session.execute(
                update(LeaseRow)
                .where(
                    LeaseRow.name == name, or_(LeaseRow.holder == holder, LeaseRow.expires_at < now)
                )
                .values(holder=holder, expires_at=now + timedelta(seconds=ttl_s))
                .execution_options(synchronize_session=False)
            )
            return taken.rowcount == 1

        return self._run(work)

    # -- feeds --------------------------------------------------------------------------------

    def add_feed(
        self, url: str, *, title: str, added_by: int, interval_s: int, now: datetime
    ) -> tuple[Feed, bool]:
        """Follow the feed at `url` (first poll due at once) unless followed already."""

        def work(session: Session) -> tuple[Feed, bool]:
            existing = session.scalar(select(FeedRow).where(FeedRow.url == url))
            if existing is not None:
                return _feed(existing), False
            row = FeedRow(
                url=url,
                title=title,
                added_by=added_by,
                interval_s=interval_s,
                next_poll_at=now,
                failures=0,
                failure_reported=False,
                created_at=now,
            )
            session.add(row)
            session.flush()
            return _feed(row), True

        return self._run(work)

    def feeds(self) -> list[Feed]:
        """Every followed feed, oldest first."""
        query = select(FeedRow).order_by(FeedRow.id)
        return self._run(lambda s: [_feed(r) for r in s.scalars(query)])

    def feed(self, feed_id: int) -> Feed | None:
        """The feed with this id, if followed."""
        return self._run(lambda s: (row := s.get(FeedRow, feed_id)) and _feed(row))

    def remove_feed(self, feed_id: int) -> bool:
        """Stop following a feed (its stored articles stay); whether it was followed."""

        def work(session: Session) -> bool:
            row = session.get(FeedRow, feed_id)
            if row is None:
                return False
            session.execute(delete(FeedEntryRow).where(FeedEntryRow.feed_id == feed_id))
            session.delete(row)
            return True

        return self._run(work)

    def due_feeds(self, now: datetime) -> list[Feed]:
        """Feeds whose next poll is due."""
        query = select(FeedRow).where(FeedRow.next_poll_at <= now).order_by(FeedRow.next_poll_at)
        return self._run(lambda s: [_feed(r) for r in s.scalars(query)])

    def seen_entry_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        """Which of these entry keys the feed has taken in before."""
        if not keys:
            return set()
        query = select(FeedEntryRow.entry_key).where(
            FeedEntryRow.feed_id == feed_id, FeedEntryRow.entry_key.in_(list(keys))
        )
        return self._run(lambda s: set(s.scalars(query)))

    def mark_entries_seen(self, feed_id: int, keys: Sequence[str], now: datetime) -> None:
        """Record entry keys as taken in (keys seen before are skipped)."""

        if not keys:
            return
        rows = [{"feed_id": feed_id, "entry_key": key, "seen_at": now} for key in set(keys)]
        # one statement skipping keys already there, so another process marking the same entry
        # at the same time cannot make it fail
        self._run(lambda session: _insert_new(session, FeedEntryRow, rows))

    def feed_polled(
        self,
        feed_id: int,
        *,
        title: str | None,
        etag: str | None,
        last_modified: str | None,
        next_poll_at: datetime,
    ) -> None:
        """Save a successful poll: validators for the next conditional GET, failures cleared."""

        def work(session: Session) -> None:
            row = session.get(FeedRow, feed_id)
            if row is None:
                return
            row.title = title or row.title
            row.etag, row.last_modified = etag, last_modified
            row.next_poll_at = next_poll_at
            row.failures, row.last_error, row.failure_reported = 0, None, False

        self._run(work)

    def feed_failed(self, feed_id: int, *, error: str, next_poll_at: datetime) -> Feed | None:
        """Save a failed poll (one more failure, the error, when to retry); the updated feed."""

        def work(session: Session) -> Feed | None:
            row = session.get(FeedRow, feed_id)
            if row is None:
                return None
            row.failures += 1
            row.last_error, row.next_poll_at = error, next_poll_at
            return _feed(row)

        return self._run(work)

    def mark_feed_failure_reported(self, feed_id: int) -> None:
        """Remember that the admin was told about the feed's failures (told once per streak)."""

        def work(session: Session) -> None:
            row = session.get(FeedRow, feed_id)
            if row is not None:
                row.failure_reported = True

        self._run(work)


def _upsert(session: Session, row: type, keys: dict, values: dict) -> None:
    """Insert a row, or update `values` of the row with these `keys` (a unique key): one
    statement (INSERT … ON CONFLICT DO UPDATE), so two workers saving it at once cannot clash."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(row).values(**keys, **values)
    session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=values))


def _insert_new(session: Session, row: type, values: list[dict]) -> None:
    """Insert rows, skipping those whose primary key is taken (INSERT … ON CONFLICT DO NOTHING)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    session.execute(insert(row).values(values).on_conflict_do_nothing())


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite engine (None for another database or an in-memory one)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database).resolve()


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a file, None when it does not exist."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


def _now() -> datetime:
    return datetime.now(UTC)


def _same_story_article(
    session: Session,
    signature: bytes,
    band_keys: Sequence[str],
    same_story: Callable[[bytes, bytes], bool],
) -> ArticleRow | None:
    """The oldest stored article sharing a band key whose signature `same_story` accepts."""
    candidates = session.execute(
        select(ArticleRow.id, ArticleRow.story_signature)
        .where(
            ArticleRow.id.in_(
                select(ArticleBandRow.article_id).where(ArticleBandRow.band_key.in_(band_keys))
            )
        )
        .order_by(ArticleRow.id)
    )
    for article_id, stored in candidates:
        if stored is not None and same_story(signature, stored):
            return session.get(ArticleRow, article_id)
    return None


def _article(row: ArticleRow) -> StoredArticle:
    return StoredArticle(
        id=row.id,
        title=row.title,
        text=row.text,
        source=row.source,
        author=row.author,
        published=row.published,
        received_at=row.received_at,
        language=row.language,
        also_from=tuple(s.source for s in row.sources if s.source != row.source),
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


def _feed(row: FeedRow) -> Feed:
    return Feed(
        id=row.id,
        url=row.url,
        title=row.title,
        added_by=row.added_by,
        interval_s=row.interval_s,
        next_poll_at=row.next_poll_at,
        etag=row.etag,
        last_modified=row.last_modified,
        failures=row.failures,
        last_error=row.last_error,
        failure_reported=row.failure_reported,
    )
