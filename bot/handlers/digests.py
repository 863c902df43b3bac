"""/digest TOPIC: the topic's articles from the last days, answered from stored summaries."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from bot.digest import normalize_topic, recent_digest, subjects_in_period
from bot.formatting import render_digest, render_empty_digest
from bot.handlers.context import services_of


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer with the digest of the topic given after the command."""
    message = update.effective_message
    services = services_of(context)
    try:
        topic = normalize_topic(" ".join(context.args or []))
    except ValueError as exc:
        await message.reply_text(str(exc))
        return
    await message.chat.send_action(ChatAction.TYPING)
    timezone = await asyncio.to_thread(
        services.store.ensure_chat, message.chat_id, timezone=services.settings.default_timezone
    )
    result = await asyncio.to_thread(recent_digest, services, topic)
    if not result.items:
        subjects = await asyncio.to_thread(
            subjects_in_period, services.store, since=result.since, until=result.until
        )
        await message.reply_text(
            render_empty_digest(topic, result.since, subjects, tz=ZoneInfo(timezone)),
            parse_mode=ParseMode.HTML,
        )
        return
    for part in render_digest(result, tz=ZoneInfo(timezone)):
        await message.reply_text(
            part,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
