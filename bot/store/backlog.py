"""What waits in the database (`store.backlog`): counts and ages read at each metrics scrape."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.domain import Backlog
from bot.store.database import Database
from bot.store.rows import ArticleRow, ChatRow, DeliveryRow, SubscriptionRow, SummaryRow


class Backlogs:
    """The backlog of summaries, pushes and deliveries: `store.backlog`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def read(self, model_key: str, now: datetime) -> Backlog:
        """The backlog at `now`, in one transaction: articles lacking a summary (or recorded
        failure) by `model_key`, due subscriptions of active chats, unfinished deliveries."""
        done = select(SummaryRow.article_id).where(SummaryRow.model_key == model_key)
        pending = select(func.count(), func.min(ArticleRow.received_at)).where(
            ArticleRow.id.not_in(done)
        )
        due = (
            select(func.count(), func.min(SubscriptionRow.next_run_at))
            .join(ChatRow, SubscriptionRow.chat_id == ChatRow.id)
            .where(ChatRow.active.is_(True), SubscriptionRow.next_run_at <= now)
        )
        unfinished = select(func.count()).where(DeliveryRow.status == "sending")

        def work(session: Session) -> Backlog:
            summaries, oldest_article = session.execute(pending).one()
            pushes, oldest_push = session.execute(due).one()
            return Backlog(
                summaries_pending=summaries,
                oldest_pending_article=oldest_article,
                pushes_due=pushes,
                oldest_due_push=oldest_push,
                unfinished_deliveries=session.scalar(unfinished),
            )

        return self._db.run(work)
