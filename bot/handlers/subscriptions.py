"""/subscribe, /unsubscribe and /subscriptions: which topics a chat gets pushed, and when."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import replies
from bot.digest import normalize_topic
from bot.handlers.context import services_of
from bot.schedule import next_run, parse_schedule


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe this chat to a topic on the default schedule."""
    message = update.effective_message
    services = services_of(context)
    settings = services.settings
    try:
        topic = normalize_topic(" ".join(context.args or []))
    except ValueError:
        await message.reply_text("Which topic? For example: /subscribe russia")
        return
    now = datetime.now(UTC)
    timezone = await asyncio.to_thread(
        services.store.ensure_chat, message.chat_id, timezone=settings.default_timezone
    )
    schedule = parse_schedule(settings.default_schedule)
    subscription, created = await asyncio.to_thread(
        services.store.subscribe,
        message.chat_id,
        topic,
        schedule=settings.default_schedule,
        next_run_at=next_run(schedule, now, ZoneInfo(timezone)),
        covered_until=now,
    )
    await message.reply_text(
        replies.subscribed(subscription, created=created, days=settings.digest_days),
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
