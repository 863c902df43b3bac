"""/subscribe, /unsubscribe and /subscriptions: which topics a chat gets pushed, and when."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.app import subscriptions as following
from bot.app.arguments import normalize_topic
from bot.app.subscriptions import SubscriptionRefused
from bot.render import replies
from bot.render.i18n import error_text, tr
from bot.telegram.handlers.chats import may_manage
from bot.telegram.handlers.context import services_of
from bot.telegram.handlers.digests import topic_thread
from bot.telegram.handlers.language import language_of


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe this chat to a topic, on the schedule given after it or the default one,
    pushed into the forum topic it was asked in; an existing subscription given a schedule
    (or options) changes to it."""
    message = update.effective_message
    services = services_of(context)
    language = await language_of(update, context)
    try:
        request = following.read_subscription(context.args or [], services.settings)
    except SubscriptionRefused as exc:
        await message.reply_text(error_text(language, exc))
        return
    if not await may_manage(update, context, language):
        return
    try:
        subscribed = await asyncio.to_thread(
            following.subscribe,
            services.store,
            services.settings,
            message.chat_id,
            request,
            now=datetime.now(UTC),
            thread_id=topic_thread(message),
        )
    except SubscriptionRefused as exc:
        await message.reply_text(error_text(language, exc))
        return
    await message.reply_text(
        replies.subscribed(
            subscribed.subscription,
            created=subscribed.created,
            days=services.settings.digest_days,
            language=language,
            rescheduled=subscribed.rescheduled,
        ),
        parse_mode=ParseMode.HTML,
    )


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remove this chat's subscription to a topic."""
    message = update.effective_message
    language = await language_of(update, context)
    try:
        topic = normalize_topic(" ".join(context.args or []))
    except ValueError:
        await message.reply_text(tr(language, "Which topic? For example: /unsubscribe russia"))
        return
    if not await may_manage(update, context, language):
        return
    removed = await asyncio.to_thread(
        following.unsubscribe, services_of(context).store, message.chat_id, topic
    )
    await message.reply_text(
        replies.unsubscribed(topic, removed=removed, language=language), parse_mode=ParseMode.HTML
    )


async def list_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List this chat's subscriptions with their next digest (or paused) and options."""
    message = update.effective_message
    language = await language_of(update, context)
    subscriptions = await asyncio.to_thread(
        services_of(context).store.chats.subscriptions, message.chat_id
    )
    await message.reply_text(
        replies.subscription_list(subscriptions, language=language), parse_mode=ParseMode.HTML
    )
