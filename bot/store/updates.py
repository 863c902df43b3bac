"""Telegram updates taken from the webhook: `store.updates`.

Each replica of `digestbot web` records an update's id before handling it, with one
`INSERT … ON CONFLICT DO NOTHING`: the replica whose insert wrote the row handles the update,
any other delivery of the same id (Telegram retrying an answer it did not get, or the same
update reaching another replica) finds it taken. Ids are kept a day (`prune`), far longer than
Telegram retries a delivery, so the table stays small.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from bot.store.database import Database, utc_now
from bot.store.rows import TelegramUpdateRow
from bot.store.statements import insert_if_new


class TakenUpdates:
    """The ids of the updates the webhook replicas took: `store.updates`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def take(self, update_id: int) -> bool:
        """Record that this process handles update `update_id`; False when it was taken
        already (by this process or another)."""
        values = {"update_id": update_id, "received_at": utc_now()}
        return self._db.run(lambda s: insert_if_new(s, TelegramUpdateRow, values))

    def prune(self, received_before: datetime) -> int:
        """Forget the updates received before this moment; returns how many."""

        def work(session: Session) -> int:
            statement = delete(TelegramUpdateRow).where(
                TelegramUpdateRow.received_at < received_before
            )
            return session.execute(statement).rowcount

        return self._db.run(work)
