"""Scheduled pushes: the database is the schedule.

A ticker (PTB's JobQueue) calls `deliver_due`, which asks the store for subscriptions whose
`next_run_at` has passed. For each, a delivery is recorded *before* anything is sent, holding
the exact messages; after Telegram confirms each message, `parts_sent` advances. When all are
sent, the same transaction marks the delivery sent, moves the subscription's `covered_until` to
the digest's cutoff and sets its next run. So:

- a restart resumes an unfinished delivery at the first unconfirmed message and re-sends
  nothing that was confirmed; the one window for a duplicate is a message Telegram accepted
  while the process died before recording it (logged on resume);
- a digest missed while the bot was down is sent once on return, covering everything since the
  previous one; the next run is computed from now, so missed slots are not replayed;
- a week without new articles about the topic sends nothing.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from telegram import Bot, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.digest import compose_digest
from bot.domain import Delivery, Subscription
from bot.formatting import render_digest
from bot.schedule import next_run, parse_schedule
from bot.services import Services

log = logging.getLogger(__name__)


async def deliver_due(services: Services, bot: Bot, now: datetime | None = None) -> int:
    """Push every due digest; returns how many deliveries finished."""
    now = now or datetime.now(UTC)
    due = await asyncio.to_thread(services.store.due_subscriptions, now)
    finished = 0
    for subscription in due:
        if await deliver_subscription(services, bot, subscription, now):
            finished += 1
    return finished


async def deliver_subscription(
    services: Services, bot: Bot, subscription: Subscription, now: datetime
) -> bool:
    """Send (or resume) one subscription's digest; True when the delivery finished."""
    store = services.store
    next_at = next_run(
        parse_schedule(subscription.schedule),
        now,
        ZoneInfo(subscription.timezone),
        anchor=subscription.next_run_at,
    )
    delivery = await asyncio.to_thread(store.unfinished_delivery, subscription.id)
    if delivery is None:
        delivery = await asyncio.to_thread(_begin_delivery, services, subscription, now)
        if not delivery.parts:
            await asyncio.to_thread(
                store.finish_delivery, delivery.id, status="empty", next_run_at=next_at
            )
            return True
    elif delivery.parts_sent < len(delivery.parts):
        log.warning(
            "resuming delivery %d to chat %d at message %d of %d; that message may have "
            "reached the chat before the interruption",
            delivery.id,
            subscription.chat_id,
            delivery.parts_sent + 1,
            len(delivery.parts),
        )
    return await _send_parts(services, bot, subscription, delivery, next_at)


def _begin_delivery(services: Services, subscription: Subscription, now: datetime) -> Delivery:
    digest = compose_digest(
        services.store,
        services.matcher,
        services.summarizer.model_key,
        subscription.topic,
        since=subscription.covered_until,
        until=now,
        by_arrival=True,
        summarizer=services.summarizer,
    )
    parts = render_digest(digest, tz=ZoneInfo(subscription.timezone)) if digest.items else []
    return services.store.begin_delivery(
        subscription.id, due_at=subscription.next_run_at, covered_until=now, parts=parts
    )


async def _send_parts(
    services: Services,
    bot: Bot,
    subscription: Subscription,
    delivery: Delivery,
    next_at: datetime,
) -> bool:
    store = services.store
    for index in range(delivery.parts_sent, len(delivery.parts)):
        try:
            await bot.send_message(
                subscription.chat_id,
                delivery.parts[index],
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        except Forbidden as exc:
            log.warning("chat %d refuses messages (%s); pushes stopped", subscription.chat_id, exc)
            await asyncio.to_thread(store.set_chat_active, subscription.chat_id, False)
            return False
        except BadRequest as exc:
            log.error("delivery %d refused by Telegram: %s", delivery.id, exc)
            await asyncio.to_thread(
                store.finish_delivery,
                delivery.id,
                status="failed",
                next_run_at=next_at,
                error=str(exc),
            )
            return True
        except NetworkError as exc:  # includes TimedOut: the outcome of this message is unknown
            log.warning(
                "delivery %d message %d: %s; retrying on the next tick", delivery.id, index + 1, exc
            )
            return False
        await asyncio.to_thread(store.mark_part_sent, delivery.id, index + 1)
    await asyncio.to_thread(store.finish_delivery, delivery.id, status="sent", next_run_at=next_at)
    log.info(
        "delivered %s digest to chat %d (%d messages)",
        subscription.topic,
        subscription.chat_id,
        len(delivery.parts),
    )
    return True
