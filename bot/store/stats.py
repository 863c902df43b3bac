"""Counts for the operator's /stats: articles arrived, chats, subscriptions, deliveries. Each
method is one short read; grouping and naming (sources by host, days in a time zone) is the
caller's (bot.app.stats)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.database import Database
from bot.store.rows import ArticleRow, ChatRow, DeliveryRow, SubscriptionRow


class Stats:
    """Counts over the whole store: `store.stats`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def arrivals(self, since: datetime) -> list[tuple[str, datetime]]:
        """(source, received_at) of every article that arrived at or after `since`: two short
        columns per article (a busy week is some ten thousand)."""
        query = select(ArticleRow.source, ArticleRow.received_at).where(
            ArticleRow.received_at >= since
        )
        return self._db.run(lambda s: [(source, at) for source, at in s.execute(query)])

    def chats(self) -> tuple[int, int]:
        """(chats known, chats active): an inactive one blocked or removed the bot."""
        query = select(func.count(), func.count().filter(ChatRow.active.is_(True)))
        return self._db.run(lambda s: tuple(s.execute(query.select_from(ChatRow)).one()))

    def subscriptions(self) -> int:
        """How many subscriptions all chats have."""
        query = select(func.count()).select_from(SubscriptionRow)
        return self._db.run(lambda s: s.scalar(query) or 0)

    def deliveries(self, since: datetime) -> dict[str, int]:
        """Deliveries by status: those finished (sent or failed) at or after `since`, and every
        one still unfinished ("sending")."""

        def work(session: Session) -> dict[str, int]:
            finished = (
                select(DeliveryRow.status, func.count())
                .where(DeliveryRow.finished_at >= since)
                .group_by(DeliveryRow.status)
            )
            sending = select(func.count()).where(DeliveryRow.finished_at.is_(None))
            counts = dict(session.execute(finished).all())
            counts["sending"] = session.scalar(sending.select_from(DeliveryRow)) or 0
            return counts

        return self._db.run(work)
