"""How a chat wants its pushes: each subscription's push options and paused state, and the
chat's default options that its new subscriptions take (`store.preferences`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.domain import PushOptions, SummaryLength
from bot.store.database import Database
from bot.store.rows import ChatRow, SubscriptionRow
from bot.store.statements import update_if_there


class Preferences:
    """Push options, pauses and a chat's default options: `store.preferences`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def chat_defaults(self, chat_id: int) -> PushOptions:
        """The options the chat's new subscriptions take (the built-in ones for a new chat)."""

        def work(session: Session) -> PushOptions:
            chat = session.get(ChatRow, chat_id)
            return PushOptions() if chat is None else to_options(chat)

        return self._db.run(work)

    def set_chat_defaults(self, chat_id: int, options: PushOptions) -> bool:
        """Set the options a known chat's new subscriptions take; False when it is unknown."""
        return self._db.run(
            lambda session: update_if_there(session, ChatRow, chat_id, **option_columns(options))
        )

    def set_options(self, subscription_id: int, options: PushOptions) -> bool:
        """Give a subscription these push options; False when it is gone."""
        return self._db.run(
            lambda session: update_if_there(
                session, SubscriptionRow, subscription_id, **option_columns(options)
            )
        )

    def pause(self, subscription_ids: list[int], *, now: datetime) -> None:
        """Pause these subscriptions (no pushes until resumed); paused ones keep their date."""

        def work(session: Session) -> None:
            rows = session.scalars(
                select(SubscriptionRow).where(
                    SubscriptionRow.id.in_(subscription_ids), SubscriptionRow.paused_at.is_(None)
                )
            )
            for row in rows:
                row.paused_at = now

        self._db.run(work)

    def resume(
        self, subscription_id: int, *, next_run_at: datetime, covered_until: datetime
    ) -> bool:
        """Resume a subscription: its next push at `next_run_at`, covering what arrives after
        `covered_until`; False when it is gone."""
        return self._db.run(
            lambda session: update_if_there(
                session,
                SubscriptionRow,
                subscription_id,
                paused_at=None,
                next_run_at=next_run_at,
                covered_until=covered_until,
            )
        )


def to_options(row: SubscriptionRow | ChatRow) -> PushOptions:
    """The push options of a subscription row, or a chat row's defaults."""
    return PushOptions(
        silent=row.silent,
        summary=SummaryLength(row.summary),
        previews=row.previews,
        max_articles=row.max_articles,
    )


def option_columns(options: PushOptions) -> dict[str, object]:
    """`options` as the columns subscription and chat rows keep them in."""
    return {
        "silent": options.silent,
        "summary": options.summary.value,
        "previews": options.previews,
        "max_articles": options.max_articles,
    }
