"""What tests read straight from the tables, where the store has no method because the bot
never asks: how many articles are stored, and the record of a subscription's deliveries."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.store import Store
from bot.store.rows import ArticleRow, DeliveryRow


def count_articles(store: Store) -> int:
    """How many articles are stored."""
    with store.engine.connect() as connection:
        return connection.scalar(select(func.count(ArticleRow.id))) or 0


def deliveries(store: Store, subscription_id: int) -> list[tuple[str, int, datetime]]:
    """(status, parts sent, due time) of every delivery of a subscription, oldest first."""
    query = (
        select(DeliveryRow.status, DeliveryRow.parts_sent, DeliveryRow.due_at)
        .where(DeliveryRow.subscription_id == subscription_id)
        .order_by(DeliveryRow.id)
    )
    with store.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]
