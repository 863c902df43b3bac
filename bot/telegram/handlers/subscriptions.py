"""/subscribe, /unsubscribe and /subscriptions: which topics a chat gets pushed, and when."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html import escape
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.app.arguments import normalize_topic
from bot.core.schedule import (
    Schedule,
    canonical_spec,
    format_schedule,
    next_run,
    parse_schedule,
    schedule_start,
)
from bot.render import replies
from bot.telegram.handlers.chats import may_manage
from bot.telegram.handlers.context import services_of


def split_topic_and_schedule(words: list[str]) -> tuple[str, str | None]:
    """`/subscribe` arguments as (topic, schedule spec or None): the schedule starts at the
    first word that looks like one (`bot.core.schedule.schedule_start`)."""
    start = schedule_start(words)
    if start is None:
        return " ".join(words), None
    return " ".join(words[:start]), " ".join(words[start:])


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe this chat to a topic, on the schedule given after it or the default one;
    an existing subscription given a schedule changes to it."""
    message = update.effective_message
    services = services_of(context)
    settings = services.settings
    topic_words, spec = split_topic_and_schedule(context.args or [])
    try:
        topic = normalize_topic(topic_words)
    except ValueError:
        await message.reply_text(
            "Which topic? For example: /subscribe russia, or with a schedule: "
            "/subscribe russia at 9am, /subscribe russia weekdays 08:00 or "
            "/subscribe russia weekly mon 09:00"
        )
        return
    try:
        parsed = parse_schedule(spec or settings.default_schedule)
    except ValueError as exc:
        await message.reply_text(str(exc))
        return
    shortest = timedelta(seconds=settings.min_schedule_interval_s)
    if spec is not None and parsed.every is not None and parsed.every < shortest:
        await message.reply_text(
            f"That is too often: the shortest schedule is "
            f"{format_schedule(Schedule('every', every=shortest))}. For example: "
            f"/subscribe {topic} hourly or /subscribe {topic} at 9am"
        )
        return
    schedule = canonical_spec(parsed)
    if not await may_manage(update, context):
        return
    store = services.store
    followed = await asyncio.to_thread(store.subscriptions, message.chat_id)
    cap = settings.max_subscriptions_per_chat
    if len(followed) >= cap and all(s.topic != topic for s in followed):
        await message.reply_text(
            f"This chat follows {len(followed)} topics, the most it may. /unsubscribe one "
            "first (see /subscriptions)."
        )
        return
    now = datetime.now(UTC)
    timezone = await asyncio.to_thread(
        store.ensure_chat, message.chat_id, timezone=settings.default_timezone
    )
    next_at = next_run(parse_schedule(schedule), now, ZoneInfo(timezone))
    subscription, created = await asyncio.to_thread(
        store.subscribe,
        message.chat_id,
        topic,
        schedule=schedule,
        next_run_at=next_at,
        covered_until=now,
    )
    rescheduled = not created and spec is not None and subscription.schedule != schedule
    if rescheduled:
        await asyncio.to_thread(
            store.set_schedule, subscription.id, schedule=schedule, next_run_at=next_at
        )
        subscription = replace(subscription, schedule=schedule, next_run_at=next_at)
    await message.reply_text(
        replies.subscribed(
            subscription, created=created, days=settings.digest_days, rescheduled=rescheduled
        ),
        parse_mode=ParseMode.HTML,
    )


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove this chat's subscription to a topic."""
    message = update.effective_message
    services = services_of(context)
    try:
        topic = normalize_topic(" ".join(context.args or []))
    except ValueError:
        await message.reply_text("Which topic? For example: /unsubscribe russia")
        return
    if not await may_manage(update, context):
        return
    removed = await asyncio.to_thread(services.store.unsubscribe, message.chat_id, topic)
    if removed:
        text = f"Unsubscribed from <b>{escape(topic)}</b>."
    else:
        text = f"This chat is not subscribed to <b>{escape(topic)}</b>. See /subscriptions."
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def list_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List this chat's subscriptions with their next digest."""
    message = update.effective_message
    subscriptions = await asyncio.to_thread(
        services_of(context).store.subscriptions, message.chat_id
    )
    if not subscriptions:
        await message.reply_text("No subscriptions yet. Start one with /subscribe russia")
        return
    lines = "\n".join(replies.subscription_line(s) for s in subscriptions)
    await message.reply_text(f"<b>Subscriptions</b>\n{lines}", parse_mode=ParseMode.HTML)
