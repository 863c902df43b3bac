"""Deliveries: the scheduled pushes of a subscription, each with the exact messages it sends
and how many Telegram confirmed, and leases: the push lease (one process sends a database's
pushes) and the claims on single subscriptions being sent (bot.app.pushes names them).

Unsubscribing deletes a subscription's deliveries with it (a cascade), also while one is being
sent: every writer here changes a delivery in one statement and answers False when it is gone,
never raising nor writing it again.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.domain import Delivery, Subscription
from bot.store.chats import to_subscription
from bot.store.database import Database, database_now, utc_now
from bot.store.rows import ChatRow, DeliveryRow, LeaseRow, SubscriptionRow
from bot.store.statements import update_if_there, upsert


class Deliveries:
    """Deliveries and leases: `store.deliveries`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, delivery_id: int) -> Delivery | None:
        """The delivery with this id, if any."""
        return self._db.run(lambda s: (row := s.get(DeliveryRow, delivery_id)) and to_delivery(row))

    def unfinished(self, subscription_id: int) -> Delivery | None:
        """The delivery of this subscription that began and did not finish, if any."""
        query = _unfinished(subscription_id)
        return self._db.run(lambda s: (row := s.scalar(query)) and to_delivery(row))

    def begin(
        self,
        subscription_id: int,
        *,
        due_at: datetime,
        covered_until: datetime,
        parts: list[str],
        part_articles: list[list[tuple[int, str]]] | None = None,
    ) -> Delivery | None:
        """Record that the push due at `due_at` starts, with the exact messages it will send
        (and, per message, the (article id, title) pairs it shows); None when the subscription
        is gone (unsubscribed since it was found due)."""

        def work(session: Session) -> Delivery:
            row = DeliveryRow(
                subscription_id=subscription_id,
                due_at=due_at,
                covered_until=covered_until,
                status="sending",
                parts=json.dumps(parts),
                part_articles=json.dumps(part_articles or []),
                parts_sent=0,
                created_at=utc_now(),
            )
            session.add(row)
            session.flush()
            return to_delivery(row)

        try:
            return self._db.run(work)
        except IntegrityError:  # the subscription's foreign key, or a second begin of one push
            if self._db.run(lambda s: s.get(SubscriptionRow, subscription_id)) is None:
                return None
            raise

    def replace_parts(
        self, delivery_id: int, parts: list[str], part_articles: list[list[tuple[int, str]]]
    ) -> bool:
        """Change the messages a delivery still has to send (those before `parts_sent` are
        unchanged): a message Telegram refused is replaced by a re-split or plain version.
        False when the delivery is gone (its subscription was removed meanwhile)."""
        values = {"parts": json.dumps(parts), "part_articles": json.dumps(part_articles)}
        return self._db.run(lambda s: update_if_there(s, DeliveryRow, delivery_id, **values))

    def mark_part_sent(self, delivery_id: int, parts_sent: int) -> bool:
        """Record that Telegram confirmed the first `parts_sent` messages of a delivery; False
        when the delivery is gone (its subscription was removed while it was being sent)."""
        return self._db.run(
            lambda s: update_if_there(s, DeliveryRow, delivery_id, parts_sent=parts_sent)
        )

    def finish(
        self, delivery_id: int, *, status: str, next_run_at: datetime, error: str | None = None
    ) -> bool:
        """Close a delivery and, in the same transaction, move its subscription on; False when
        the delivery is gone (its subscription was removed meanwhile).

        With status "sent" the subscription's articles up to the delivery's cutoff count as
        delivered; with "failed" they stay for the next push.
        """

        def work(session: Session) -> bool:
            row = session.get(DeliveryRow, delivery_id)
            closed = row is not None and update_if_there(
                session, DeliveryRow, delivery_id, status=status, error=error, finished_at=utc_now()
            )
            if not closed:
                return False
            moved = {"next_run_at": next_run_at}
            if status == "sent":
                moved["covered_until"] = row.covered_until
            update_if_there(session, SubscriptionRow, row.subscription_id, **moved)
            return True

        return self._db.run(work)

    def skip_empty_run(
        self, subscription_id: int, *, covered_until: datetime, next_run_at: datetime
    ) -> bool:
        """A run with nothing to send: move the subscription on (its articles up to
        `covered_until` count as delivered) without recording a delivery; False when the
        subscription is gone."""
        moved = {"covered_until": covered_until, "next_run_at": next_run_at}
        return self._db.run(lambda s: update_if_there(s, SubscriptionRow, subscription_id, **moved))

    def take_lease(
        self,
        name: str,
        holder: str,
        *,
        ttl_s: float,
        now: datetime | None = None,
        renewing: str | None = None,
    ) -> bool:
        """Take or renew the lease `name` for `holder` until `now + ttl_s`; False while another
        holder's lease has not expired. One conditional statement (an upsert), so two processes
        asking at once cannot both get it. `now` is the database's clock unless given (see
        `database_now`). With `renewing`, the holder's other leases whose names start with it
        get the same expiry in the same transaction, when this one is taken."""

        def work(session: Session) -> bool:
            at = now or database_now(session)
            taken = _take_lease(session, name, holder, at, ttl_s)
            if taken and renewing is not None:
                session.execute(
                    update(LeaseRow)
                    .where(LeaseRow.holder == holder, LeaseRow.name.startswith(renewing))
                    .values(expires_at=at + timedelta(seconds=ttl_s))
                    .execution_options(synchronize_session=False)
                )
            return taken

        return self._db.run(work)

    def claim_subscription(
        self, subscription_id: int, name: str, holder: str, *, ttl_s: float
    ) -> tuple[Subscription, Delivery | None] | None:
        """Take the lease `name` (a claim on the subscription's send) for `holder` and, in the
        same transaction, read the subscription again with its unfinished delivery, if any.
        None when another holder's claim has not expired, or the subscription is gone."""

        def work(session: Session) -> tuple[Subscription, Delivery | None] | None:
            if not _take_lease(session, name, holder, database_now(session), ttl_s):
                return None
            row = session.get(SubscriptionRow, subscription_id)
            if row is None:
                session.execute(delete(LeaseRow).where(LeaseRow.name == name))
                return None
            unfinished = session.scalar(_unfinished(subscription_id))
            subscription = to_subscription(row, session.get(ChatRow, row.chat_id))
            return subscription, unfinished and to_delivery(unfinished)

        return self._db.run(work)

    def drop_lease(self, name: str, holder: str) -> None:
        """Give up the lease `name` if `holder` holds it: free at once for anyone."""
        query = delete(LeaseRow).where(LeaseRow.name == name, LeaseRow.holder == holder)
        self._db.run(lambda session: session.execute(query))

    def drop_leases_of(self, holder: str, prefix: str) -> None:
        """Give up every lease of `holder` whose name starts with `prefix`."""
        query = delete(LeaseRow).where(LeaseRow.holder == holder, LeaseRow.name.startswith(prefix))
        self._db.run(lambda session: session.execute(query))


def _unfinished(subscription_id: int):
    return select(DeliveryRow).where(
        DeliveryRow.subscription_id == subscription_id, DeliveryRow.status == "sending"
    )


def _take_lease(session: Session, name: str, holder: str, at: datetime, ttl_s: float) -> bool:
    """Take or renew the lease `name` for `holder` until `at + ttl_s` (see `take_lease`)."""
    return upsert(
        session,
        LeaseRow,
        {"name": name},
        {"holder": holder, "expires_at": at + timedelta(seconds=ttl_s)},
        where=or_(LeaseRow.holder == holder, LeaseRow.expires_at < at),
    )


def to_delivery(row: DeliveryRow) -> Delivery:
    """The plain value of a delivery row."""
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
