"""/pause, /resume, /set and /settings: holding pushes and how they look (bot.app.preferences).

Changing anything is for the chat's admins in groups and channels (bot.telegram.handlers.chats);
/settings without options only shows the defaults, to anyone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.app import preferences
from bot.app.arguments import optional_topic
from bot.core.domain import Subscription
from bot.render import replies
from bot.render.i18n import error_text, tr
from bot.telegram.handlers.chats import may_manage
from bot.telegram.handlers.context import services_of
from bot.telegram.handlers.language import language_of
from bot.telegram.keyboards import resume_markup


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Pause the pushes of the topic given (all of the chat's without one), with a Resume
    button under the answer for each topic paused."""
    language = await language_of(update, context)
    done = await _pause_or_resume(update, context, preferences.pause, "/pause", language)
    if done is None:
        return
    topic, paused = done
    markup = None
    if paused:
        ids, topics = [s.id for s in paused], [s.topic for s in paused]
        markup = resume_markup(ids, topics, language=language)
    await update.effective_message.reply_text(
        replies.paused(paused, topic, language=language),
        parse_mode=ParseMode.HTML,
        reply_markup=markup,
    )


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Resume the pushes of the topic given (all paused ones without one)."""
    language = await language_of(update, context)
    done = await _pause_or_resume(update, context, preferences.resume, "/resume", language)
    if done is not None:
        topic, resumed = done
        await update.effective_message.reply_text(
            replies.resumed(resumed, topic, language=language), parse_mode=ParseMode.HTML
        )


async def _pause_or_resume(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    change: Callable[..., list[Subscription]],
    command: str,
    language: str,
) -> tuple[str | None, list[Subscription]] | None:
    """Read the topic (None: all), check the sender may change the chat's subscriptions, and
    make the change; the topic and the subscriptions changed, or None when the chat was told
    why not."""
    message = update.effective_message
    try:
        topic = optional_topic(context.args or [])
    except ValueError:
        await message.reply_text(
            tr(
                language,
                "Which topic? For example: {command} russia, or {command} for all",
                command=command,
            )
        )
        return None
    if not await may_manage(update, context, language):
        return None
    store = services_of(context).store
    changed = await asyncio.to_thread(change, store, message.chat_id, topic, now=datetime.now(UTC))
    return topic, changed


async def set_options(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Change the push options of the subscription to the topic given."""
    message = update.effective_message
    language = await language_of(update, context)
    try:
        words, changes = preferences.read_options(context.args or [])
        topic = optional_topic(words) if changes else None
    except ValueError as exc:
        await message.reply_text(error_text(language, exc))
        return
    if topic is None:
        syntax = tr(language, preferences.OPTION_SYNTAX)
        await message.reply_text(
            tr(language, "Which topic, which options? {syntax}", syntax=syntax)
        )
        return
    if not await may_manage(update, context, language):
        return
    subscription = await asyncio.to_thread(
        preferences.set_options, services_of(context).store, message.chat_id, topic, changes
    )
    if subscription:
        text = replies.options_set(subscription, language=language)
    else:
        text = replies.not_following(topic, language=language)
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the chat's default push options, or set them from the options given."""
    message = update.effective_message
    language = await language_of(update, context)
    try:
        words, changes = preferences.read_options(context.args or [])
    except ValueError as exc:
        await message.reply_text(error_text(language, exc))
        return
    if words:
        syntax = tr(language, preferences.OPTION_SYNTAX)
        await message.reply_text(
            tr(
                language,
                "/settings takes options only. {syntax}; for one topic: /set",
                syntax=syntax,
            )
        )
        return
    if changes and not await may_manage(update, context, language):
        return
    services = services_of(context)
    options = await asyncio.to_thread(
        preferences.chat_defaults, services.store, services.settings, message.chat_id, changes
    )
    await message.reply_text(
        replies.chat_settings(options, changed=bool(changes), language=language),
        parse_mode=ParseMode.HTML,
    )
