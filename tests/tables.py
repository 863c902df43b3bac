"""What tests read straight from the tables, where the store has no method because the bot
never asks: how many articles are stored, the record of a subscription's deliveries, how many
were sent, and who holds a lease."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from bot.store import Store
from bot.store.rows import ArticleRow, DeliveryRow, LeaseRow


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


def count_sent_deliveries(store: Store) -> int:
    """How many deliveries were sent to the end."""
    query = select(func.count(DeliveryRow.id)).where(DeliveryRow.status == "sent")
    with store.engine.connect() as connection:
        return connection.scalar(query) or 0


def lease_holder(store: Store, name: str) -> str | None:
    """Who holds (or last held) the lease `name`: its holder's instance id."""
    with store.engine.connect() as connection:
        return connection.scalar(select(LeaseRow.holder).where(LeaseRow.name == name))
