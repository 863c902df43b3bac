"""Scheduled pushes: the database is the schedule.

A ticker (PTB's JobQueue) calls `deliver_due`, which asks the store for subscriptions whose
`next_run_at` has passed and delivers them, `delivery_concurrency` at a time (each subscription
by one task; the rate limiter sets the pace). For each, a delivery is recorded *before*
anything is sent, holding the exact messages; after Telegram confirms each message,
`parts_sent` advances. When all are sent, the same transaction marks the delivery sent, moves
the subscription's `covered_until` to the digest's cutoff and sets its next run. So:

- a restart resumes an unfinished delivery at the first unconfirmed message and re-sends
  nothing that was confirmed; the one window for a duplicate is a message Telegram accepted
  while the process died before recording it (logged on resume);
- a digest missed while the bot was down is sent once on return, covering everything since the
  previous one; the next run is computed from now, so missed slots are not replayed;
- a week without new articles about the topic sends nothing (or, with `notify_empty_digest`,
  one short "nothing new" line);
- a digest covers the articles that arrived up to `arrival_settle_s` (a setting, 10 s) before
  the push, not up to the push itself: an article is stamped with its arrival just before its
  transaction commits, and one still committing when a push selected its articles would
  otherwise fall before that push's cutoff yet outside its digest, and never be pushed (seen
  end to end: the first article of a fresh process, slowed by loading the language model, was
  lost this way).

What Telegram answers, and what happens (errors are mapped here, in `_send_parts`):
- pace: `rate_limiter()` spaces all sends evenly under ~30/s and group sends under 20/min; the
  messages of one digest to a chat go at most one per second (`CHAT_INTERVAL_S`).
- 429 `RetryAfter`: the rate limiter (bot.flood) waits a short `retry_after` and retries,
  `RATE_LIMIT_RETRIES` times, and fails a long one at once; if it still raises, the delivery
  stays unfinished and resumes at the same message on a later tick — never dropped.
- network error or timeout: re-sent after each of `send_retry_delays_s`, then left for a later
  tick. A timeout or a dropped connection is an unknown outcome (Telegram may have delivered the
  message): the re-send can duplicate that one message, and each such case is logged. Likewise
  a crash can double only the messages in flight, at most one per concurrent delivery.
- 403 `Forbidden` (blocked, kicked, chat deleted): the chat is marked inactive and its pushes
  stop; its subscriptions are kept, and any later message from it makes it active again.
- 400 `BadRequest`: "message is too long" re-splits the message, an entity/tag error sends it
  without markup (the replacement is stored in the delivery, so a restart sends the same);
  any other refusal fails the delivery with the error logged, and its articles stay for the next
  push.
- `ChatMigrated` (a group became a supergroup): the chat's subscriptions move to the new id and
  the message is sent there.
"""

from __future__ import annotations

import asyncio
import logging
import textwrap
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.buttons import digest_markup
from bot.digest import compose_digest
from bot.domain import Delivery, Digest, Subscription
from bot.flood import FloodLimiter
from bot.formatting import (
    articles_per_message,
    render_digest,
    render_nothing_new,
    split_for_telegram,
    telegram_html_length,
    without_markup,
)
from bot.schedule import next_run, parse_schedule
from bot.services import Services

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3  # flood waits PTB's AIORateLimiter sits out before raising RetryAfter
# Telegram counts about 30 messages/s overall and 20/min per group over sliding windows. PTB's
# limiter is a leaky bucket that lets a full bucket through at once, which overshoots a sliding
# window (and each 429 then pauses every request), so the bucket here holds one message:
# evenly spaced sends, a little under the cap to absorb jitter on the way.
OVERALL_PER_S = 29
GROUP_PER_MIN = 19
# About one message per second per chat: a digest's messages to one chat are spaced this much.
CHAT_INTERVAL_S = 1.0

# (topic, covered_until, time zone) → (messages, articles per message), shared within one run
RenderedDigests = dict[
    tuple[str, datetime, str], asyncio.Future[tuple[list[str], list[list[tuple[int, str]]]]]
]


async def deliver_due(services: Services, bot: Bot, now: datetime | None = None) -> int:
    """Push every due digest, `delivery_concurrency` subscriptions at a time (the rate limiter
    keeps the pace Telegram allows); returns how many deliveries finished."""
    now = now or datetime.now(UTC)
    due = await asyncio.to_thread(services.store.due_subscriptions, now)
    slots = asyncio.Semaphore(services.settings.delivery_concurrency)
    rendered: RenderedDigests = {}

    async def deliver(subscription: Subscription) -> bool:
        async with slots:
            try:
                return await deliver_subscription(services, bot, subscription, now, rendered)
            except TelegramError:
                log.exception(
                    "delivery of %s to chat %d failed; it resumes on a later tick",
                    subscription.topic, subscription.chat_id,
                )  # fmt: skip
                return False

    return sum(await asyncio.gather(*(deliver(subscription) for subscription in due)))


def rate_limiter() -> FloodLimiter:
    """The limiter as the bot uses it: Telegram's overall and per-chat/group rates, and
    `RATE_LIMIT_RETRIES` waits of a short `retry_after` on a 429 before `RetryAfter` is raised."""
    return FloodLimiter(
        overall_max_rate=1,
        overall_time_period=1 / OVERALL_PER_S,
        group_max_rate=1,
        group_time_period=60 / GROUP_PER_MIN,
        max_retries=RATE_LIMIT_RETRIES,
    )


async def deliver_subscription(
    services: Services,
    bot: Bot,
    subscription: Subscription,
    now: datetime,
    rendered: RenderedDigests | None = None,
) -> bool:
    """Send (or resume) one subscription's digest; True when the delivery finished.

    `rendered` shares digests between the subscriptions of one run: those with the same topic,
    covered period and time zone get the same messages, selected and rendered once.
    """
    store = services.store
    next_at = next_run(
        parse_schedule(subscription.schedule),
        now,
        ZoneInfo(subscription.timezone),
        anchor=subscription.next_run_at,
    )
    delivery = await asyncio.to_thread(store.unfinished_delivery, subscription.id)
    if delivery is None:
        settle = timedelta(seconds=services.settings.arrival_settle_s)
        cutoff = max(now - settle, subscription.covered_until)
        delivery = await _begin_delivery(
            services, subscription, cutoff, {} if rendered is None else rendered
        )
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


async def _begin_delivery(
    services: Services, subscription: Subscription, cutoff: datetime, rendered: RenderedDigests
) -> Delivery:
    """Record the delivery of the articles that arrived after the subscription's
    `covered_until` and up to `cutoff`, with its messages, before anything is sent."""
    key = (subscription.topic, subscription.covered_until, subscription.timezone)
    if key not in rendered:  # the first task asking renders; the others await the same result
        rendered[key] = asyncio.ensure_future(
            asyncio.to_thread(_render, services, subscription, cutoff)
        )
    parts, part_articles = await rendered[key]
    return await asyncio.to_thread(
        services.store.begin_delivery,
        subscription.id,
        due_at=subscription.next_run_at,
        covered_until=cutoff,
        parts=parts,
        part_articles=part_articles,
    )


def _render(
    services: Services, subscription: Subscription, cutoff: datetime
) -> tuple[list[str], list[list[tuple[int, str]]]]:
    """The messages of the subscription's digest up to `cutoff`, and the articles each shows."""
    digest = compose_digest(
        services.store,
        services.matcher,
        services.summarizer.model_key,
        subscription.topic,
        since=subscription.covered_until,
        until=cutoff,
        by_arrival=True,
        summarizer=services.summarizer,
    )
    tz = ZoneInfo(subscription.timezone)
    if digest.items:
        digest = shorten_summaries(digest, services.settings.push_summary_chars)
        parts = render_digest(digest, tz=tz)
        return parts, articles_per_message(digest, parts)
    if services.settings.notify_empty_digest:
        return [render_nothing_new(subscription.topic, subscription.covered_until, tz=tz)], []
    return [], []


def shorten_summaries(digest: Digest, max_chars: int) -> Digest:
    """The digest with each summary cut to `max_chars` at a word ("Full summary" shows it all)."""
    items = [
        replace(item, summary=textwrap.shorten(item.summary, max_chars, placeholder=" …"))
        if item.summary
        else item
        for item in digest.items
    ]
    return replace(digest, items=items)


async def _send_parts(
    services: Services,
    bot: Bot,
    subscription: Subscription,
    delivery: Delivery,
    next_at: datetime,
) -> bool:
    store = services.store
    chat_id, parts, index = subscription.chat_id, delivery.parts, delivery.parts_sent
    part_articles = [delivery.articles_of(i) for i in range(len(parts))]
    last_sent_at = -CHAT_INTERVAL_S
    while index < len(parts):
        markup = digest_markup(delivery.id, index, part_articles[index], subscription.id)
        await asyncio.sleep(max(0.0, last_sent_at + CHAT_INTERVAL_S - time.monotonic()))
        try:
            await _send_with_retries(
                bot,
                chat_id,
                parts[index],
                markup,
                services.settings.send_retry_delays_s,
                delivery.id,
            )
        except RetryAfter as exc:
            log.warning(
                "delivery %d to chat %d: still flood-limited after %d waits (%s); it resumes at "
                "message %d on a later tick",
                delivery.id, chat_id, RATE_LIMIT_RETRIES + 1, exc, index + 1,
            )  # fmt: skip
            return False
        except ChatMigrated as exc:
            log.info(
                "chat %d became supergroup %d; moving its subscriptions", chat_id, exc.new_chat_id
            )
            await asyncio.to_thread(store.move_chat, chat_id, exc.new_chat_id)
            chat_id = exc.new_chat_id
            continue
        except Forbidden as exc:
            log.warning("chat %d refuses messages (%s); pushes stopped", chat_id, exc)
            await asyncio.to_thread(store.set_chat_active, chat_id, False)
            return False
        except BadRequest as exc:
            repaired = repair_refused(parts[index], exc.message)
            if repaired is None:
                log.error(
                    "delivery %d to chat %d refused by Telegram: %s; its articles stay for the "
                    "next push",
                    delivery.id, chat_id, exc,
                )  # fmt: skip
                await asyncio.to_thread(
                    store.finish_delivery,
                    delivery.id,
                    status="failed",
                    next_run_at=next_at,
                    error=str(exc),
                )
                return True
            log.warning(
                "delivery %d message %d refused (%s); sending it as %d %s message(s) instead",
                delivery.id, index + 1, exc, len(repaired),
                "shorter" if len(repaired) > 1 else "plain",
            )  # fmt: skip
            parts = parts[:index] + repaired + parts[index + 1 :]
            extra_pieces = [[] for _ in repaired[1:]]
            part_articles = part_articles[: index + 1] + extra_pieces + part_articles[index + 1 :]
            await asyncio.to_thread(store.replace_parts, delivery.id, parts, part_articles)
            continue
        except NetworkError as exc:  # retries exhausted; BadRequest was caught above
            log.warning(
                "delivery %d message %d: %s after %d retries; resuming on a later tick",
                delivery.id, index + 1, exc, len(services.settings.send_retry_delays_s),
            )  # fmt: skip
            return False
        last_sent_at = time.monotonic()
        index += 1
        await asyncio.to_thread(store.mark_part_sent, delivery.id, index)
    await asyncio.to_thread(store.finish_delivery, delivery.id, status="sent", next_run_at=next_at)
    log.info(
        "delivered %s digest to chat %d (%d messages)", subscription.topic, chat_id, len(parts)
    )
    return True


async def _send_with_retries(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup,
    delays_s: list[float],
    delivery_id: int,
) -> None:
    """Send one message; after a network error or timeout wait and send again, up to
    `len(delays_s)` times, then raise the last error.

    Only a failure whose request may have reached Telegram (a timeout, a dropped connection) can
    make a re-send a duplicate; it is logged as an unknown outcome. Telegram's answers (429,
    403, 400, migration) are raised at once: PTB's AIORateLimiter already waited out 429s.
    """
    for attempt, delay in enumerate((*delays_s, None)):
        try:
            await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_markup=markup,
            )
            return
        except BadRequest:
            raise
        except NetworkError as exc:
            if delay is None:
                raise
            log.warning(
                "delivery %d to chat %d, attempt %d: %s; outcome unknown (the message may have "
                "arrived, so the re-send in %.1f s may show it twice)",
                delivery_id, chat_id, attempt + 1, exc, delay,
            )  # fmt: skip
            await asyncio.sleep(delay)


def repair_refused(part: str, reason: str) -> list[str] | None:
    """What to send instead of a message Telegram refused, or None if nothing would help.

    "message is too long" → the message re-split at three quarters of its length; an entity or
    tag error → the same text without markup. A message that is already plain or cannot be split
    further is not repaired.
    """
    reason = reason.lower()
    if "too long" in reason:
        pieces = split_for_telegram([part], limit=max(telegram_html_length(part) * 3 // 4, 1))
        return pieces if len(pieces) > 1 else None
    if "entit" in reason or "tag" in reason or "parse" in reason:
        plain = without_markup(part)
        return [plain] if plain != part and plain.strip() else None
    return None
