"""Scheduled pushes: the database is the schedule.

A ticker (bot.telegram.application) calls `deliver_due`, which asks the store for subscriptions
whose `next_run_at` has passed and delivers them, `delivery_concurrency` at a time (each
subscription by one task; the sender's rate limit sets the pace). For each, a delivery is
recorded *before* anything is sent, holding the exact messages; after the sender confirms each
message, `parts_sent` advances. When all are sent, the same transaction marks the delivery sent,
moves the subscription's `covered_until` to the digest's cutoff and sets its next run. So:

- a restart resumes an unfinished delivery at the first unconfirmed message and re-sends
  nothing that was confirmed; the one window for a duplicate is a message Telegram accepted
  while the process died before recording it (logged on resume);
- a digest missed while the bot was down is sent once on return, covering everything since the
  previous one; the next run is computed from now, so missed slots are not replayed;
- summaries sit in expandable quotes; a subscription with short summaries (cut to
  `push_summary_chars`) has a "Full summary" button per article, one with `summary=full` has
  none (its summaries are whole); a digest longer than a message offers itself as one file
  under its last message ("Whole digest as a file": an HTML page and JSON);
- a week without new articles about the topic sends nothing and records no delivery (or, with
  `notify_empty_digest`, one short "nothing new" line);
- a digest covers the articles that arrived up to `arrival_settle_s` (a setting, 10 s) before
  the push, not up to the push itself: an article is stamped with its arrival just before its
  transaction commits, and one still committing when a push selected its articles would
  otherwise fall before that push's cutoff yet outside its digest, and never be pushed (seen
  end to end: the first article of a fresh process, slowed by loading the language model, was
  lost this way);
- a paused subscription is not due (a delivery begun before the pause is finished); each push
  goes into its subscription's forum topic, silent or with link previews, its summaries short or
  full and at most `max_articles` of its articles, as the subscription's options say
  (bot.app.preferences); subscriptions with the same options share a rendered digest;
- one process at a time sends a database's pushes (`PushLease`): a second `digestbot run` (or
  `digestbot pusher`, which pushes without polling Telegram: `run_push_ticker`) on the same
  database sends none until the first stops or dies, and never resumes a delivery the first is
  sending; each subscription is claimed for its send and read again after the claim.

What a send's outcome (bot.app.sending) does to the delivery: a refused message's replacement
(re-split or plain) is stored in the delivery, so a restart sends the same; a message refused
for good fails the delivery, whose articles stay for the next push; a chat gone, a flood wait
or a network failure leaves the delivery unfinished, to resume at the same message on a later
tick (a gone chat's only once it writes again). How Telegram's faults map to outcomes is
bot.telegram.sender's.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import textwrap
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.app.chats import unset_language
from bot.app.digests import compose_digest
from bot.app.feed_reports import report_failing_feeds
from bot.app.sending import DigestButtons, MessageSender, SendStatus, send_in_order
from bot.app.services import Services
from bot.config import Settings
from bot.core.domain import (
    Delivery,
    DeliveryStatus,
    Digest,
    RenderedMessage,
    Subscription,
    SummaryLength,
)
from bot.core.schedule import next_run, parse_schedule
from bot.metrics import DELIVERIES_RESUMED
from bot.render.formatting import render_digest, render_nothing_new
from bot.render.i18n import DEFAULT_LANGUAGE, supported_language
from bot.render.replies import more_articles
from bot.store import DatabaseUnavailable, Store

log = logging.getLogger(__name__)

PUSH_LEASE = "pushes"  # the lease (bot.store) of the process sending a database's pushes
CLAIM_PREFIX = "push claim "  # + a subscription's id: the lease of its send
PUSH_LEASE_TICKS = 3  # the lease outlives this many scheduler ticks...
MIN_PUSH_LEASE_S = 30.0  # ...and at least this long
_waiting_for_lease: set[str] = set()  # stores (instance ids) told another process pushes

# a claimed subscription as read again, and its unfinished delivery
Claimed = tuple[Subscription, Delivery | None]
# (topic, covered_until, time zone, summary length, max articles) → the digest's messages,
# shared within one run
RenderedDigests = dict[
    tuple[str, datetime, str, SummaryLength, int], asyncio.Future[list[RenderedMessage]]
]


class PushLease:
    """The right to send this database's pushes, held by one process at a time, and the claims
    of that process on the subscriptions it is sending.

    Two processes pushing at once would send each digest twice (and one would "resume" a
    delivery the other is sending). So the pushes run under a lease row
    (`store.deliveries.take_lease`): taken or renewed at each tick and, during a long run, by a
    heartbeat every third of its lifetime; another process gets it only once it expired
    unrenewed (its holder died or hangs) or was released (its holder stopped). Expiry is on the
    database's clock (PostgreSQL's `now()`), so processes on several hosts need not agree on the
    time. This process stops sending once its last renewal is two thirds of the lifetime old (on
    its own monotonic clock, from before it asked), so it is never still sending when another
    could take over, but for the messages then in flight.

    Each subscription is also claimed for the length of its send (`claim`): a lease of its own,
    renewed with the push lease, after which the subscription is read again. A run that lost
    the lease and got it back (its due subscriptions read before another process delivered
    some of them) finds those moved on and skips them, and two runs never send one
    subscription's digest at once.
    """

    def __init__(self, store: Store, ttl_s: float) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self._renewed_at: float | None = None  # time.monotonic() of the last renewal
        self._withdrawn = False

    @classmethod
    def for_settings(cls, store: Store, settings: Settings) -> PushLease:
        """A lease outliving a few ticks, so a live process keeps it between its runs."""
        return cls(store, max(PUSH_LEASE_TICKS * settings.scheduler_tick_s, MIN_PUSH_LEASE_S))

    def renew(self) -> bool:
        """Take or renew the lease, and this process's claims with it (a blocking call);
        whether this process holds it."""
        asked_at = time.monotonic()
        holds = not self._withdrawn and self.store.deliveries.take_lease(
            PUSH_LEASE, self.store.instance_id, ttl_s=self.ttl_s, renewing=CLAIM_PREFIX
        )
        self._renewed_at = asked_at if holds else None
        return holds

    def held(self) -> bool:
        """Whether the lease surely has not expired yet (a heartbeat's margin left)."""
        return self._renewed_at is not None and (
            time.monotonic() < self._renewed_at + self.ttl_s * 2 / 3
        )

    def claim(self, subscription: Subscription) -> Claimed | None:
        """Claim the subscription for its send and read it again, with its unfinished delivery
        (a blocking call): None when another process has claimed it, or it is gone."""
        return self.store.deliveries.claim_subscription(
            subscription.id, _claim_name(subscription), self.store.instance_id, ttl_s=self.ttl_s
        )

    def unclaim(self, subscription: Subscription) -> None:
        """End this process's claim on the subscription (a blocking call)."""
        self.store.deliveries.drop_lease(_claim_name(subscription), self.store.instance_id)

    def withdraw(self) -> None:
        """Stop sending (the process is stopping): from now on the lease is not held, so each
        delivery stops before its next message; `release` then gives it up."""
        self._withdrawn = True
        self._renewed_at = None

    def release(self) -> None:
        """Give the lease and this process's claims up (a blocking call, on a clean stop), so a
        restarted bot need not wait for them to expire: renewed for no time, the lease is free
        at once. A lease another process holds is left as it is."""
        self._renewed_at = None
        holder = self.store.instance_id
        try:
            self.store.deliveries.take_lease(PUSH_LEASE, holder, ttl_s=0)
            self.store.deliveries.drop_leases_of(holder, CLAIM_PREFIX)
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


def _claim_name(subscription: Subscription) -> str:
    return f"{CLAIM_PREFIX}{subscription.id}"


async def run_push_ticker(
    services: Services, sender: MessageSender, stop: asyncio.Event, lease: PushLease | None = None
) -> None:
    """Push the due digests every `scheduler_tick_s` until `stop` is set: the push ticker of a
    process without Telegram polling (`digestbot pusher`). Once `stop` is set, each delivery
    ends before its next message, and the lease and claims are released."""
    lease = lease or PushLease.for_settings(services.store, services.settings)
    tick_s = services.settings.scheduler_tick_s
    try:
        while not stop.is_set():
            started = time.monotonic()
            await _run_until_stopped(services, sender, stop, lease)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), max(0.0, started + tick_s - time.monotonic()))
    finally:
        await asyncio.to_thread(lease.release)


async def _run_until_stopped(
    services: Services, sender: MessageSender, stop: asyncio.Event, lease: PushLease
) -> None:
    """One push run, withdrawn from (each delivery stops before its next message) if `stop` is
    set meanwhile. A failure is logged: the next tick tries again."""
    run = asyncio.ensure_future(deliver_due(services, sender, lease=lease))
    stopping = asyncio.ensure_future(stop.wait())
    await asyncio.wait({run, stopping}, return_when=asyncio.FIRST_COMPLETED)
    stopping.cancel()
    if not run.done():
        lease.withdraw()
    try:
        await run
    except DatabaseUnavailable as exc:
        log.error("push run failed; the next tick tries again: %s", exc)


async def deliver_due(
    services: Services,
    sender: MessageSender,
    now: datetime | None = None,
    *,
    lease: PushLease | None = None,
) -> int:
    """Push every due digest, `delivery_concurrency` subscriptions at a time (the sender keeps
    the pace Telegram allows), if this process holds the push `lease` (by default one for the
    settings), each under its claim; returns how many deliveries finished."""
    now = now or datetime.now(UTC)
    lease = lease or PushLease.for_settings(services.store, services.settings)
    if not await _holds_lease(lease):
        return 0
    heartbeat = asyncio.create_task(lease.keep())
    try:
        if services.settings.cluster_mode:  # the workers polling the feeds have no Telegram
            await _tell_failing_feeds(services, sender)
        due = await asyncio.to_thread(services.store.chats.due_subscriptions, now)
        slots = asyncio.Semaphore(services.settings.delivery_concurrency)
        rendered: RenderedDigests = {}

        async def deliver(subscription: Subscription) -> bool:
            async with slots:
                if not lease.held():
                    return False
                try:
                    return await _deliver_claimed(
                        services, sender, subscription, now, rendered, lease
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
        # ended before returning: a loop closed right after must not find it pending
        await asyncio.wait([heartbeat])


async def _tell_failing_feeds(services: Services, sender: MessageSender) -> None:
    """Tell the admins of failing feeds (bot.app.feed_reports); a failure is logged, and the
    pushes go on."""
    try:
        await report_failing_feeds(services, sender)
    except Exception:
        log.exception("telling admins about failing feeds failed; a later run tries again")


async def _deliver_claimed(
    services: Services,
    sender: MessageSender,
    subscription: Subscription,
    now: datetime,
    rendered: RenderedDigests,
    lease: PushLease,
) -> bool:
    """Deliver the subscription under its claim, as read again after the claim: one another
    process is sending, or delivered or paused since it was found due, is skipped."""
    claimed = await asyncio.to_thread(lease.claim, subscription)
    if claimed is None:
        return False
    subscription, delivery = claimed
    try:
        if delivery is None and (subscription.paused or subscription.next_run_at > now):
            log.info(
                "%s digest to chat %d is no longer due (delivered or paused since it was found "
                "due); skipped",
                subscription.topic, subscription.chat_id,
            )  # fmt: skip
            return False
        return await _deliver(services, sender, subscription, delivery, now, rendered, lease)
    finally:
        await asyncio.to_thread(lease.unclaim, subscription)


async def _holds_lease(lease: PushLease) -> bool:
    """Take or renew the push lease; say so once when another process holds it, and once when
    this one takes over."""
    instance = lease.store.instance_id
    if not await asyncio.to_thread(lease.renew):
        if instance not in _waiting_for_lease:
            _waiting_for_lease.add(instance)
            log.warning(
                "another digestbot process is sending this database's pushes; this one sends "
                "none until that one stops (if it dies, its lease expires %.0f s after its last "
                "renewal)",
                lease.ttl_s,
            )
        return False
    if instance in _waiting_for_lease:
        _waiting_for_lease.discard(instance)
        log.warning("this process now sends the pushes (the other one's lease ended)")
    return True


async def deliver_subscription(
    services: Services,
    sender: MessageSender,
    subscription: Subscription,
    now: datetime,
    rendered: RenderedDigests | None = None,
    lease: PushLease | None = None,
) -> bool:
    """Send (or resume) one subscription's digest; True when the delivery finished.

    `rendered` shares digests between the subscriptions of one run: those with the same topic,
    covered period, time zone and language get the same messages, selected and rendered once.
    With a `lease`, no message is sent once it is no longer surely held.
    """
    delivery = await asyncio.to_thread(services.store.deliveries.unfinished, subscription.id)
    shared = {} if rendered is None else rendered
    return await _deliver(services, sender, subscription, delivery, now, shared, lease)


async def _deliver(
    services: Services,
    sender: MessageSender,
    subscription: Subscription,
    delivery: Delivery | None,
    now: datetime,
    rendered: RenderedDigests,
    lease: PushLease | None,
) -> bool:
    """Resume the subscription's unfinished `delivery`, or begin and send a new one."""
    next_at = next_run(
        parse_schedule(subscription.schedule),
        now,
        ZoneInfo(subscription.timezone),
        anchor=subscription.next_run_at,
    )
    if delivery is None:
        delivery = await _begin(services, subscription, now, next_at, rendered)
        if delivery is None:  # nothing to send: the subscription moved on (or is gone)
            return True
    elif delivery.parts_sent < len(delivery.parts):
        DELIVERIES_RESUMED.inc()
        log.warning(
            "resuming delivery %d to chat %d at message %d of %d; that message may have "
            "reached the chat before the interruption",
            delivery.id,
            subscription.chat_id,
            delivery.parts_sent + 1,
            len(delivery.parts),
        )
    return await _send(services, sender, subscription, delivery, next_at, lease)


async def _begin(
    services: Services,
    subscription: Subscription,
    now: datetime,
    next_at: datetime,
    rendered: RenderedDigests,
) -> Delivery | None:
    """Record the delivery of the subscription's digest up to now (less the arrival settling
    time), with its exact messages; None when there is nothing to send, and then no delivery is
    recorded: the subscription moves on to `next_at`; None too when it was unsubscribed since
    it was found due."""
    settle = timedelta(seconds=services.settings.arrival_settle_s)
    cutoff = max(now - settle, subscription.covered_until)
    messages = await _rendered(services, subscription, cutoff, rendered)
    if not messages:
        await asyncio.to_thread(
            services.store.deliveries.skip_empty_run,
            subscription.id,
            covered_until=cutoff,
            next_run_at=next_at,
        )
        return None
    return await asyncio.to_thread(
        services.store.deliveries.begin,
        subscription.id,
        due_at=subscription.next_run_at,
        covered_until=cutoff,
        **_columns(messages),
    )


async def _rendered(
    services: Services, subscription: Subscription, cutoff: datetime, rendered: RenderedDigests
) -> list[RenderedMessage]:
    """The messages of the digest of the articles that arrived after the subscription's
    `covered_until` and up to `cutoff`, rendered once per run for every subscription sharing
    its topic, period, time zone, summary length, most articles and language."""
    options = subscription.options
    key = (
        subscription.topic,
        subscription.covered_until,
        subscription.timezone,
        options.summary,
        options.max_articles,
        _language(services.settings, subscription),
    )
    if key not in rendered:  # the first task asking renders; the others await the same result
        rendered[key] = asyncio.ensure_future(
            asyncio.to_thread(_render, services, subscription, cutoff)
        )
    return await rendered[key]


def _render(
    services: Services, subscription: Subscription, cutoff: datetime
) -> list[RenderedMessage]:
    """The messages of the subscription's digest up to `cutoff` (none when it would be empty),
    as its push options ask: at most `max_articles` articles, short or full summaries."""
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
    language = _language(services.settings, subscription)
    if digest.items:
        options = subscription.options
        digest, footer = at_most(digest, options.max_articles, language)
        if options.summary is SummaryLength.SHORT:
            digest = shorten_summaries(digest, services.settings.push_summary_chars)
        return render_digest(digest, language=language, tz=tz, footer=footer)
    if services.settings.notify_empty_digest:
        since = subscription.covered_until
        text = render_nothing_new(subscription.topic, since, language=language, tz=tz)
        return [RenderedMessage(text)]
    return []


def _language(settings: Settings, subscription: Subscription) -> str:
    """The language of the bot's words in the subscription's chat."""
    return supported_language(subscription.language) or unset_language(
        settings, subscription.chat_id
    )


def at_most(
    digest: Digest, max_articles: int, language: str = DEFAULT_LANGUAGE
) -> tuple[Digest, str | None]:
    """The digest's first `max_articles` articles (0: all), and a last line (in `language`)
    naming how many more there are and the /digest that shows them (None when none are left
    out). The left out articles count as pushed: the next push starts after this one's cutoff."""
    left_out = len(digest.items) - max_articles
    if not max_articles or left_out <= 0:
        return digest, None
    shown = replace(digest, items=digest.items[:max_articles])
    return shown, more_articles(left_out, digest.topic, language=language)


def shorten_summaries(digest: Digest, max_chars: int) -> Digest:
    """The digest with each summary cut to `max_chars` at a word ("Full summary" shows it all)."""
    items = [
        replace(item, summary=textwrap.shorten(item.summary, max_chars, placeholder=" …"))
        if item.summary
        else item
        for item in digest.items
    ]
    return replace(digest, items=items)


async def _send(
    services: Services,
    sender: MessageSender,
    subscription: Subscription,
    delivery: Delivery,
    next_at: datetime,
    lease: PushLease | None,
) -> bool:
    """Send the delivery's messages from the first unconfirmed one, recording each step; True
    when the delivery finished (sent, or failed for good)."""
    store = services.store
    progress = _DeliveryProgress(store, delivery, lease)
    outcome = await send_in_order(
        sender,
        subscription.chat_id,
        delivery.messages,
        buttons=partial(digest_buttons, delivery.id, subscription, services.settings),
        what=f"delivery {delivery.id}",
        thread_id=subscription.thread_id,
        silent=subscription.options.silent,
        previews=subscription.options.previews,
        sent=delivery.parts_sent,
        progress=progress,
    )
    if outcome is None:  # stopped by the progress, which said why
        return False
    if outcome.status is SendStatus.SENT:
        await asyncio.to_thread(
            store.deliveries.finish, delivery.id, status=DeliveryStatus.SENT, next_run_at=next_at
        )
        log.info(
            "delivered %s digest to chat %d (%d messages)",
            subscription.topic, outcome.chat_id, progress.sent_count,
        )  # fmt: skip
        return True
    if outcome.status is SendStatus.REFUSED:
        log.error("delivery %d failed; its articles stay for the next push", delivery.id)
        await asyncio.to_thread(
            store.deliveries.finish,
            delivery.id,
            status=DeliveryStatus.FAILED,
            next_run_at=next_at,
            error=outcome.error,
        )
        return True
    log.warning(
        "delivery %d to chat %d stopped (%s); it resumes at its first unsent message later",
        delivery.id, outcome.chat_id, outcome.status.value,
    )  # fmt: skip
    return False


def digest_buttons(
    delivery_id: int, subscription: Subscription, settings: Settings, index: int, count: int
) -> DigestButtons:
    """The buttons under message `index` of a pushed digest of `count` messages: "Full
    summary" per article while the subscription's summaries are short (cut), the whole digest
    as a file (as one Telegraph page when the settings have a token) under the last of several,
    Pause and Unsubscribe; in the chat's language."""
    return DigestButtons(
        delivery_id,
        index,
        subscription.id,
        language=_language(settings, subscription),
        full_summaries=subscription.options.summary is SummaryLength.SHORT,
        whole_digest=offers_whole_digest(index, count),
        one_page=settings.telegraph_enabled,
    )


def offers_whole_digest(index: int, count: int) -> bool:
    """Whether message `index` of a digest of `count` messages offers the whole digest as a
    file: the last, when there are several."""
    return count > 1 and index == count - 1


def _columns(messages: list[RenderedMessage]) -> dict[str, list]:
    """Messages as the store keeps them in a delivery: texts, and the articles of each."""
    return {
        "parts": [message.text for message in messages],
        "part_articles": [list(message.articles) for message in messages],
    }


@dataclass
class _DeliveryProgress:
    """Keeps a delivery's progress in the store as its messages go, and stops the sending when
    the push lease is not surely held or the delivery is gone."""

    store: Store
    delivery: Delivery
    lease: PushLease | None
    sent_count: int = 0  # messages confirmed so far

    def __post_init__(self) -> None:
        self.sent_count = self.delivery.parts_sent

    def may_send(self) -> bool:
        if self.lease is None or self.lease.held():
            return True
        log.warning(
            "delivery %d: the push lease could not be renewed; it resumes at its first unsent "
            "message once this process holds it again",
            self.delivery.id,
        )
        return False

    async def replaced(self, messages: list[RenderedMessage]) -> bool:
        columns = _columns(messages)
        kept = await asyncio.to_thread(
            self.store.deliveries.replace_parts, self.delivery.id, **columns
        )
        return kept or self._unsubscribed_meanwhile()

    async def sent(self, count: int) -> bool:
        self.sent_count = count
        kept = await asyncio.to_thread(
            self.store.deliveries.mark_part_sent, self.delivery.id, count
        )
        return kept or self._unsubscribed_meanwhile()

    def _unsubscribed_meanwhile(self) -> bool:
        """The delivery's row went with its subscription (unsubscribed while it was being sent):
        its remaining messages are dropped."""
        log.info(
            "delivery %d: the subscription was removed while it was sent; its remaining "
            "messages are dropped",
            self.delivery.id,
        )
        return False
