"""Chats and what belongs to one: its time zone and whether pushes go to it, its subscriptions
to topics (with their schedule's state), and its "Summarizing…" answers awaiting a summary."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import and_, delete, or_, select
from sqlalchemy.orm import Session

from bot.core.domain import PendingReply, Subscription
from bot.store.database import Database, utc_now
from bot.store.preferences import option_columns, to_options
from bot.store.rows import ChatRow, DeliveryRow, PendingReplyRow, SubscriptionRow
from bot.store.statements import insert_if_new, insert_new, update_if_there


class Chats:
    """Chats, their subscriptions and pending replies: `store.chats`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def ensure(self, chat_id: int, *, timezone: str, language: str | None = None) -> str:
        """Create the chat if new (with `timezone`), mark it active, give it `language` if it
        has none yet; returns its time zone."""

        def work(session: Session) -> str:
            if (row := session.get(ChatRow, chat_id)) is None:
                new = {"id": chat_id, "timezone": timezone, "active": True, "created_at": utc_now()}
                insert_if_new(session, ChatRow, new)  # or nothing: another process made it
                row = session.get(ChatRow, chat_id)
            row.active = True
            row.language = row.language or language
            return row.timezone

        return self._db.run(work)

    def language(self, chat_id: int) -> str | None:
        """The language chosen for the chat's texts; None for an unknown chat or none chosen."""
        query = select(ChatRow.language).where(ChatRow.id == chat_id)
        return self._db.run(lambda session: session.scalar(query))

    def set_language(self, chat_id: int, language: str) -> None:
        """Set a known chat's language."""
        self._db.run(lambda session: update_if_there(session, ChatRow, chat_id, language=language))

    def set_active(self, chat_id: int, active: bool) -> None:
        """Stop (or resume) pushes to a chat; its subscriptions are kept."""
        self._db.run(lambda session: update_if_there(session, ChatRow, chat_id, active=active))

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
                row.next_run_at = reschedule(to_subscription(row, chat))
            return [to_subscription(row, chat) for row in rows]

        return self._db.run(work)

    def move(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup with a new id: move the chat and its subscriptions there
        (a topic the new id already follows keeps the new id's subscription)."""

        def work(session: Session) -> None:
            old = session.get(ChatRow, old_chat_id)
            if old is None:
                return
            if session.get(ChatRow, new_chat_id) is None:
                session.add(
                    ChatRow(
                        id=new_chat_id,
                        timezone=old.timezone,
                        active=old.active,
                        language=old.language,
                        created_at=utc_now(),
                        **option_columns(to_options(old)),
                    )
                )
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

        self._db.run(work)

    def subscribe(
        self,
        chat_id: int,
        topic: str,
        *,
        schedule: str,
        next_run_at: datetime,
        covered_until: datetime,
        thread_id: int | None = None,
    ) -> tuple[Subscription, bool]:
        """Subscribe a chat to a topic, pushed into the forum topic `thread_id` (an existing
        subscription moves there), a new one with the chat's default push options; returns the
        subscription and whether it is new."""

        def work(session: Session) -> tuple[Subscription, bool]:
            chat = session.get(ChatRow, chat_id)
            row = session.scalar(_subscription_to(chat_id, topic))
            new = row is None
            if new:
                row = SubscriptionRow(
                    chat_id=chat_id,
                    topic=topic,
                    schedule=schedule,
                    next_run_at=next_run_at,
                    covered_until=covered_until,
                    created_at=utc_now(),
                    **option_columns(to_options(chat)),
                )
                session.add(row)
            row.thread_id = thread_id
            session.flush()
            return to_subscription(row, chat), new

        return self._db.run(work)

    def set_schedule(self, subscription_id: int, *, schedule: str, next_run_at: datetime) -> bool:
        """Give a subscription a new schedule and next run; False when it is gone."""
        return self._db.run(
            lambda session: update_if_there(
                session,
                SubscriptionRow,
                subscription_id,
                schedule=schedule,
                next_run_at=next_run_at,
            )
        )

    def unsubscribe(self, chat_id: int, topic: str) -> bool:
        """Remove a chat's subscription to a topic (and its deliveries, by cascade); False when
        there was none."""
        query = delete(SubscriptionRow).where(
            SubscriptionRow.chat_id == chat_id, SubscriptionRow.topic == topic
        )
        return self._db.run(lambda session: session.execute(query).rowcount == 1)

    def subscription(self, subscription_id: int) -> Subscription | None:
        """The subscription with this id, if any."""

        def work(session: Session) -> Subscription | None:
            row = session.get(SubscriptionRow, subscription_id)
            return row and to_subscription(row, session.get(ChatRow, row.chat_id))

        return self._db.run(work)

    def subscriptions(self, chat_id: int) -> list[Subscription]:
        """A chat's subscriptions, by topic."""
        return self._subscriptions_where(
            SubscriptionRow.chat_id == chat_id, order_by=SubscriptionRow.topic
        )

    def due_subscriptions(self, now: datetime) -> list[Subscription]:
        """Subscriptions of active chats that are due and not paused, or have a delivery to
        finish (one begun before a pause is finished)."""
        unfinished = select(DeliveryRow.subscription_id).where(DeliveryRow.status == "sending")
        due = and_(SubscriptionRow.paused_at.is_(None), SubscriptionRow.next_run_at <= now)
        return self._subscriptions_where(
            ChatRow.active.is_(True),
            or_(due, SubscriptionRow.id.in_(unfinished)),
            order_by=SubscriptionRow.next_run_at,
        )

    def remember_reply(self, reply: PendingReply) -> None:
        """Record a "Summarizing…" answer, so a restart completes it if this process cannot."""
        row = {
            "chat_id": reply.chat_id,
            "message_id": reply.message_id,
            "article_id": reply.article_id,
            "created": reply.created,
        }
        self._db.run(lambda session: insert_new(session, PendingReplyRow, [row]))

    def forget_reply(self, chat_id: int, message_id: int) -> None:
        """The answer was completed (or cannot be): nothing left to do for it."""
        query = delete(PendingReplyRow).where(
            PendingReplyRow.chat_id == chat_id, PendingReplyRow.message_id == message_id
        )
        self._db.run(lambda session: session.execute(query))

    def pending_replies(self) -> list[PendingReply]:
        """The "Summarizing…" answers not completed yet, oldest article first."""
        query = select(PendingReplyRow).order_by(PendingReplyRow.article_id)
        return self._db.run(
            lambda session: [
                PendingReply(r.chat_id, r.message_id, r.article_id, r.created)
                for r in session.scalars(query)
            ]
        )

    def _subscriptions_where(self, *conditions, order_by) -> list[Subscription]:
        query = (
            select(SubscriptionRow, ChatRow)
            .join(ChatRow, SubscriptionRow.chat_id == ChatRow.id)
            .where(*conditions)
            .order_by(order_by)
        )
        return self._db.run(
            lambda s: [to_subscription(sub, chat) for sub, chat in s.execute(query)]
        )


def to_subscription(row: SubscriptionRow, chat: ChatRow) -> Subscription:
    """The plain value of a subscription row (with its chat's time zone)."""
    return Subscription(
        id=row.id,
        chat_id=row.chat_id,
        topic=row.topic,
        schedule=row.schedule,
        timezone=chat.timezone,
        next_run_at=row.next_run_at,
        covered_until=row.covered_until,
        thread_id=row.thread_id,
        paused_at=row.paused_at,
        options=to_options(row),
        language=chat.language,
    )


def _subscription_to(chat_id: int, topic: str):
    return select(SubscriptionRow).where(
        SubscriptionRow.chat_id == chat_id, SubscriptionRow.topic == topic
    )
