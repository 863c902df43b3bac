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
- a week without new articles about the topic sends nothing and records no delivery (or, with
  `notify_empty_digest`, one short "nothing new" line);
- a digest covers the articles that arrived up to `arrival_settle_s` (a setting, 10 s) before
  the push, not up to the push itself: an article is stamped with its arrival just before its
  transaction commits, and one still committing when a push selected its articles would
  otherwise fall before that push's cutoff yet outside its digest, and never be pushed (seen
  end to end: the first article of a fresh process, slowed by loading the language model, was
  lost this way);
- one process at a time sends a database's pushes (`PushLease`): a second `digestbot run` on
  the same database sends none, and never resumes a delivery the first is sending.

What Telegram answers, and what happens (errors are mapped here, in `_send_parts`):
- pace: `rate_limiter()` spaces all sends evenly under ~30/s and group sends under 20/min; the
  messages of one digest to a chat go at most one per second (`CHAT_INTERVAL_S`).
- 429 `RetryAfter`: the rate limiter (bot.telegram.flood) waits a short `retry_after` and retries,
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
)

from bot.app.digests import compose_digest
from bot.config import Settings
from bot.core.domain import Delivery, Digest, Subscription
from bot.core.schedule import next_run, parse_schedule
from bot.render.formatting import (
    articles_per_message,
    render_digest,
    render_nothing_new,
    split_for_telegram,
    telegram_html_length,
    without_markup,
)
from bot.store import DatabaseUnavailable, Store
from bot.telegram.flood import FloodLimiter
from bot.telegram.keyboards import digest_markup
from bot.wiring import Services

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

PUSH_LEASE = "pushes"  # the lease (bot.store) of the process sending a database's pushes
PUSH_LEASE_TICKS = 3  # the lease outlives this many scheduler ticks...
MIN_PUSH_LEASE_S = 30.0  # ...and at least this long
_waiting_for_lease: set[str] = set()  # stores (instance ids) told another process pushes

# (topic, covered_until, time zone) → (messages, articles per message), shared within one run
RenderedDigests = dict[
    tuple[str, datetime, str], asyncio.Future[tuple[list[str], list[list[tuple[int, str]]]]]
]


class PushLease:
    """The right to send this database's pushes, held by one process at a time.

    Until several bots can share the work, two `digestbot run` on one database would send each
    digest twice (and one would "resume" a delivery the other is sending). So the pushes run
    under a lease row (`Store.take_lease`): taken or renewed at each tick and, during a long
    run, by a heartbeat every third of its lifetime; another process gets it only once it
    expired unrenewed (its holder died or hangs) or was released (its holder stopped). This
    process stops sending once its last renewal is two thirds of the lifetime old, so it is
    never still sending when another could take over (both processes' clocks are assumed to
    agree, as on one host).
    """

    def __init__(self, store: Store, ttl_s: float) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self._renewed_at: float | None = None  # time.monotonic() of the last renewal

    @classmethod
    def for_settings(cls, store: Store, settings: Settings) -> PushLease:
        """A lease outliving a few ticks, so a live process keeps it between its runs."""
        return cls(store, max(PUSH_LEASE_TICKS * settings.scheduler_tick_s, MIN_PUSH_LEASE_S))

    def renew(self) -> bool:
        """Take or renew the lease (a blocking call); whether this process holds it."""
        asked_at = time.monotonic()
        holds = self.store.take_lease(
            PUSH_LEASE, self.store.instance_id, now=datetime.now(UTC), ttl_s=self.ttl_s
        )
        self._renewed_at = asked_at if holds else None
        return holds

    def held(self) -> bool:
        """Whether the lease surely has not expired yet (a heartbeat's margin left)."""
        return self._renewed_at is not None and (
            time.monotonic() < self._renewed_at + self.ttl_s * 2 / 3
        )

    def release(self) -> None:
        """Give the lease up if this process holds it (a blocking call, on a clean stop), so a
        restarted bot need not wait for it to expire: renewed for no time, it is free at once.
        A lease another process holds is left as it is."""
        self._renewed_at = None
        try:
            self.store.take_lease(
                PUSH_LEASE, self.store.instance_id, now=datetime.now(UTC), ttl_s=0
            )
        except DatabaseUnavailable as exc:
            log.warning("could not release the push lease; it expires unrenewed: %s", exc)

    async def keep(self) -> None:
        """Renew the lease every third of its lifetime until cancelled."""
        while True:
            await asyncio.sleep(self.ttl_s / 3)
            try:
                await asyncio.to_thread(self.renew)
            except DatabaseUnavailable as exc:
                log.error("could not renew the push lease: %s", exc)


async def deliver_due(services: Services, bot: Bot, now: datetime | None = None) -> int:
    """Push every due digest, `delivery_concurrency` subscriptions at a time (the rate limiter
    keeps the pace Telegram allows), if this process holds the push lease; returns how many
    deliveries finished."""
    now = now or datetime.now(UTC)
    lease = PushLease.for_settings(services.store, services.settings)
    if not await asyncio.to_thread(lease.renew):
        if services.store.instance_id not in _waiting_for_lease:
            _waiting_for_lease.add(services.store.instance_id)
            log.warning(
                "another digestbot process is sending this database's pushes; this one sends "
                "none until that one stops (if it dies, its lease expires %.0f s after its last "
                "renewal)",
                lease.ttl_s,
            )
        return 0
    if services.store.instance_id in _waiting_for_lease:
        _waiting_for_lease.discard(services.store.instance_id)
        log.warning("this process now sends the pushes (the other one's lease ended)")
    heartbeat = asyncio.create_task(lease.keep())
    try:
        due = await asyncio.to_thread(services.store.due_subscriptions, now)
        slots = asyncio.Semaphore(services.settings.delivery_concurrency)
        rendered: RenderedDigests = {}

        async def deliver(subscription: Subscription) -> bool:
            async with slots:
                if not lease.held():
                    return False
                try:
                    return await deliver_subscription(
                        services, bot, subscription, now, rendered, lease
                    )
                except Exception:  # one delivery's failure never stops the others
                    log.exception(
                        "delivery of %s to chat %d failed; it resumes on a later tick",
                        subscription.topic, subscription.chat_id,
                    )  # fmt: skip
                    return False

        return sum(await asyncio.gather(*(deliver(subscription) for subscription in due)))
    finally:
        heartbeat.cancel()


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
    lease: PushLease | None = None,
) -> bool:
    """Send (or resume) one subscription's digest; True when the delivery finished.

    `rendered` shares digests between the subscriptions of one run: those with the same topic,
    covered period and time zone get the same messages, selected and rendered once. With a
    `lease`, no message is sent once it is no longer surely held.
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
        parts, part_articles = await _rendered(
            services, subscription, cutoff, {} if rendered is None else rendered
        )
        if not parts:  # nothing to send: no delivery row, the subscription just moves on
            await asyncio.to_thread(
                store.skip_empty_run, subscription.id, covered_until=cutoff, next_run_at=next_at
            )
            return True
        delivery = await asyncio.to_thread(
            store.begin_delivery,
            subscription.id,
            due_at=subscription.next_run_at,
            covered_until=cutoff,
            parts=parts,
            part_articles=part_articles,
        )
    elif delivery.parts_sent < len(delivery.parts):
        log.warning(
            "resuming delivery %d to chat %d at message %d of %d; that message may have "
            "reached the chat before the interruption",
            delivery.id,
            subscription.chat_id,
            delivery.parts_sent + 1,
            len(delivery.parts),
        )
    return await _send_parts(services, bot, subscription, delivery, next_at, lease)


async def _rendered(
    services: Services, subscription: Subscription, cutoff: datetime, rendered: RenderedDigests
) -> tuple[list[str], list[list[tuple[int, str]]]]:
    """The messages of the digest of the articles that arrived after the subscription's
    `covered_until` and up to `cutoff`, rendered once per run for every subscription sharing
    its topic, period and time zone."""
    key = (subscription.topic, subscription.covered_until, subscription.timezone)
    if key not in rendered:  # the first task asking renders; the others await the same result
        rendered[key] = asyncio.ensure_future(
            asyncio.to_thread(_render, services, subscription, cutoff)
        )
    return await rendered[key]


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
    lease: PushLease | None,
) -> bool:
    store = services.store
    chat_id, parts, index = subscription.chat_id, delivery.parts, delivery.parts_sent
    part_articles = [delivery.articles_of(i) for i in range(len(parts))]
    last_sent_at = -CHAT_INTERVAL_S
    while index < len(parts):
        markup = digest_markup(delivery.id, index, part_articles[index], subscription.id)
        await asyncio.sleep(max(0.0, last_sent_at + CHAT_INTERVAL_S - time.monotonic()))
        if lease is not None and not lease.held():
            log.warning(
                "delivery %d to chat %d: the push lease could not be renewed; it resumes at "
                "message %d once this process holds it again",
                delivery.id, chat_id, index + 1,
            )  # fmt: skip
            return False
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
            if not await asyncio.to_thread(store.replace_parts, delivery.id, parts, part_articles):
                return _unsubscribed_meanwhile(delivery, chat_id)
            continue
        except NetworkError as exc:  # retries exhausted; BadRequest was caught above
            log.warning(
                "delivery %d message %d: %s after %d retries; resuming on a later tick",
                delivery.id, index + 1, exc, len(services.settings.send_retry_delays_s),
            )  # fmt: skip
            return False
        last_sent_at = time.monotonic()
        index += 1
        if not await asyncio.to_thread(store.mark_part_sent, delivery.id, index):
            return _unsubscribed_meanwhile(delivery, chat_id)
    await asyncio.to_thread(store.finish_delivery, delivery.id, status="sent", next_run_at=next_at)
    log.info(
        "delivered %s digest to chat %d (%d messages)", subscription.topic, chat_id, len(parts)
    )
    return True


def _unsubscribed_meanwhile(delivery: Delivery, chat_id: int) -> bool:
    """The delivery's row went with its subscription (unsubscribed while it was being sent):
    its remaining messages are dropped. Returns False (the delivery did not finish)."""
    log.info(
        "delivery %d to chat %d: the subscription was removed while it was sent; "
        "its remaining messages are dropped",
        delivery.id, chat_id,
    )  # fmt: skip
    return False


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
