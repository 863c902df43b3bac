"""Subscriptions: which topics a chat gets pushed, and when.

`/subscribe TOPIC [SCHEDULE]` is read by `read_subscription` (the schedule starts at the first
word that looks like one; none given: the `default_schedule` setting) and made by `subscribe`,
which keeps a chat to `max_subscriptions_per_chat` topics and a given schedule to one run per
`min_schedule_interval_s` at most. Subscribing to a followed topic with a schedule moves it to
that schedule. Push options (`silent=on max=5`, bot.app.preferences) may follow; a new
subscription takes the chat's defaults for the others. Pushes go into the forum topic the last
/subscribe came from. A refusal is a `SubscriptionRefused` whose message says why and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.app.arguments import normalize_topic
from bot.app.chats import chat_timezone
from bot.app.preferences import OptionChanges, read_options, with_changes
from bot.config import Settings
from bot.core.domain import Subscription
from bot.core.schedule import (
    Schedule,
    canonical_spec,
    format_schedule,
    next_run,
    parse_schedule,
    schedule_start,
)
from bot.core.texts import user_text
from bot.store import Store


class SubscriptionRefused(ValueError):
    """A subscription the chat may not have; the message says why and what to do instead."""


@dataclass(frozen=True)
class SubscriptionRequest:
    """What `/subscribe` asks for: a topic and a schedule (canonical spec), whether the
    schedule was given (an existing subscription then changes to it) or is the default, and
    the push options given."""

    topic: str
    schedule: str
    schedule_given: bool
    options: OptionChanges = field(default_factory=dict)


@dataclass(frozen=True)
class Subscribed:
    """A subscription after `subscribe`: new (`created`), moved to the asked schedule
    (`rescheduled`), or as it was."""

    subscription: Subscription
    created: bool
    rescheduled: bool


def split_topic_and_schedule(words: list[str]) -> tuple[str, str | None]:
    """`/subscribe` arguments as (topic, schedule spec or None): the schedule starts at the
    first word that looks like one (`bot.core.schedule.schedule_start`)."""
    start = schedule_start(words)
    if start is None:
        return " ".join(words), None
    return " ".join(words[:start]), " ".join(words[start:])


def read_subscription(words: list[str], settings: Settings) -> SubscriptionRequest:
    """The request of `/subscribe TOPIC [SCHEDULE] [OPTIONS]`; SubscriptionRefused without a
    topic, for a schedule that does not parse, for one more often than
    `min_schedule_interval_s`, and for an unknown option."""
    try:
        words, options = read_options(words)
    except ValueError as exc:
        raise SubscriptionRefused(*exc.args) from None
    topic_words, spec = split_topic_and_schedule(words)
    try:
        topic = normalize_topic(topic_words)
    except ValueError:
        raise SubscriptionRefused(
            user_text(
                "Which topic? For example: /subscribe russia, or with a schedule: "
                "/subscribe russia at 9am, /subscribe russia weekdays 08:00 or "
                "/subscribe russia weekly mon 09:00"
            )
        ) from None
    try:
        parsed = parse_schedule(spec or settings.default_schedule)
    except ValueError as exc:
        raise SubscriptionRefused(*exc.args) from None
    shortest = timedelta(seconds=settings.min_schedule_interval_s)
    if spec is not None and parsed.every is not None and parsed.every < shortest:
        raise SubscriptionRefused(
            user_text(
                "That is too often: the shortest schedule is {shortest}. For example: "
                "/subscribe {topic} hourly or /subscribe {topic} at 9am",
                shortest=format_schedule(Schedule("every", every=shortest)),
                topic=topic,
            )
        )
    return SubscriptionRequest(
        topic, canonical_spec(parsed), schedule_given=spec is not None, options=options
    )


def subscribe(
    store: Store,
    settings: Settings,
    chat_id: int,
    request: SubscriptionRequest,
    *,
    now: datetime,
    thread_id: int | None = None,
) -> Subscribed:
    """Subscribe the chat as asked, pushed into the forum topic `thread_id` (None: the chat),
    its first digest due at the schedule's next run in the chat's time zone and covering what
    arrives from `now`; a followed topic asked with a schedule changes to it, and with options
    to those. SubscriptionRefused when the chat already follows `max_subscriptions_per_chat`
    other topics."""
    followed = store.chats.subscriptions(chat_id)
    cap = settings.max_subscriptions_per_chat
    if len(followed) >= cap and all(s.topic != request.topic for s in followed):
        raise SubscriptionRefused(
            user_text(
                "This chat follows {count} topics, the most it may. /unsubscribe one "
                "first (see /subscriptions).",
                count=len(followed),
            )
        )
    timezone = chat_timezone(store, settings, chat_id)
    next_at = next_run(parse_schedule(request.schedule), now, ZoneInfo(timezone))
    subscription, created = store.chats.subscribe(
        chat_id,
        request.topic,
        schedule=request.schedule,
        next_run_at=next_at,
        covered_until=now,
        thread_id=thread_id,
    )
    rescheduled = (
        not created and request.schedule_given and subscription.schedule != request.schedule
    )
    if rescheduled:
        store.chats.set_schedule(subscription.id, schedule=request.schedule, next_run_at=next_at)
        subscription = replace(subscription, schedule=request.schedule, next_run_at=next_at)
    if request.options:
        options = with_changes(subscription.options, request.options)
        store.preferences.set_options(subscription.id, options)
        subscription = replace(subscription, options=options)
    return Subscribed(subscription, created=created, rescheduled=rescheduled)


def unsubscribe(store: Store, chat_id: int, topic: str) -> bool:
    """End the chat's subscription to `topic`; False when it had none."""
    return store.chats.unsubscribe(chat_id, topic)


def unsubscribe_by_id(store: Store, chat_id: int, subscription_id: int) -> Subscription | None:
    """End subscription `subscription_id` if it is the chat's (a button under its digest);
    returns it, or None when it is gone or another chat's."""
    subscription = store.chats.subscription(subscription_id)
    if subscription is None or subscription.chat_id != chat_id:
        return None
    store.chats.unsubscribe(chat_id, subscription.topic)
    return subscription
