"""The article catalogue: the latest stored articles, an article's sources, deleting one, and
pruning what is older than the retention period (`keep_days`).

Deleting an article row deletes what hangs on it by the foreign keys' ON DELETE CASCADE (its
sources, near-duplicate keys, summaries, passage vectors, pending replies; SQLite enforces
them with PRAGMA foreign_keys, see database.py) and its full-text entry (the triggers of
migration 0004 on SQLite, a generated column on PostgreSQL).

Pruning runs in one transaction, so a push beginning meanwhile either is seen (and its
articles kept) or sees the articles gone: an article shown by a delivery still being sent
(status "sending") is kept, whatever its age, so a resumed push's buttons still find it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.core.domain import ArticleSource, DeliveryStatus, Pruned, StoredArticle
from bot.store.articles import to_article
from bot.store.database import Database
from bot.store.rows import ArticleRow, ArticleSourceRow, DeliveryRow, FeedEntryRow, SummaryRow

_IDS_PER_QUERY = 5_000  # below SQLite's limit of bound parameters


class Catalog:
    """Listing, deleting and pruning stored articles: `store.catalog`."""

    def __init__(self, db: Database, forget: Callable[[Sequence[int]], None]) -> None:
        self._db = db
        self._forget = forget  # drops deleted articles from the articles' memory

    def latest(self, limit: int, *, among: Iterable[int] | None = None) -> list[StoredArticle]:
        """The `limit` most recently stored articles, newest first; only those whose id is in
        `among` when it is given (e.g. the ids a search found)."""
        if limit < 1:
            return []
        if among is None:
            query = select(ArticleRow).order_by(ArticleRow.id.desc()).limit(limit)
        else:  # ids grow with storing: the newest are the largest
            newest = sorted(set(among), reverse=True)[:limit]
            if not newest:
                return []
            query = select(ArticleRow).where(ArticleRow.id.in_(newest))
            query = query.order_by(ArticleRow.id.desc())
        return self._db.run(lambda s: [to_article(row) for row in s.scalars(query)])

    def count(self) -> int:
        """How many articles are stored."""
        return self._db.run(lambda s: s.scalar(select(func.count(ArticleRow.id))) or 0)

    def sources(self, article_id: int) -> list[ArticleSource]:
        """Every source of an article, first one first (empty when there is no such article)."""
        query = (
            select(ArticleSourceRow)
            .where(ArticleSourceRow.article_id == article_id)
            .order_by(ArticleSourceRow.id)
        )
        return self._db.run(
            lambda s: [
                ArticleSource(row.source, row.added_at, row.chat_id, row.user_id)
                for row in s.scalars(query)
            ]
        )

    def delete(self, article_id: int) -> bool:
        """Delete an article with its sources, summaries and vectors; whether it was there."""
        query = delete(ArticleRow).where(ArticleRow.id == article_id)
        deleted = self._db.run(lambda s: s.execute(query).rowcount == 1)
        self._forget([article_id])
        return deleted

    def prune(self, before: datetime) -> Pruned:
        """Delete the articles stored before `before` (with their summaries and the rest),
        the deliveries finished before it and the feed entry keys seen before it. Articles
        an unfinished delivery shows are kept."""
        pruned, ids = self._db.run(lambda session: _prune(session, before))
        self._forget(ids)
        return pruned


def _prune(session: Session, before: datetime) -> tuple[Pruned, list[int]]:
    old = set(session.scalars(select(ArticleRow.id).where(ArticleRow.received_at < before)))
    shown = _shown_by_unfinished_deliveries(session)
    doomed = sorted(old - shown)
    summaries = 0
    for start in range(0, len(doomed), _IDS_PER_QUERY):
        chunk = doomed[start : start + _IDS_PER_QUERY]
        counted = select(func.count(SummaryRow.id)).where(SummaryRow.article_id.in_(chunk))
        summaries += session.scalar(counted) or 0
        session.execute(delete(ArticleRow).where(ArticleRow.id.in_(chunk)))
    deliveries = session.execute(
        delete(DeliveryRow).where(
            DeliveryRow.status != DeliveryStatus.SENDING, DeliveryRow.finished_at < before
        )
    ).rowcount
    feed_keys = session.execute(delete(FeedEntryRow).where(FeedEntryRow.seen_at < before)).rowcount
    pruned = Pruned(
        articles=len(doomed),
        summaries=summaries,
        deliveries=deliveries,
        feed_keys=feed_keys,
        kept_for_deliveries=len(old & shown),
    )
    return pruned, doomed


def _shown_by_unfinished_deliveries(session: Session) -> set[int]:
    """Ids of the articles the messages of deliveries still being sent show."""
    query = select(DeliveryRow.part_articles).where(DeliveryRow.status == DeliveryStatus.SENDING)
    shown: set[int] = set()
    for recorded in session.scalars(query):
        for part in json.loads(recorded or "[]"):
            shown.update(int(article_id) for article_id, _title in part)
    return shown
