"""/digest TOPIC: the topic's articles from the last days, answered from stored summaries."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from bot.digest import compose_digest, normalize_topic, subjects_in_period
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
    until = datetime.now(UTC)
    since = until - timedelta(days=services.settings.digest_days)
    timezone = await asyncio.to_thread(
        services.store.ensure_chat, message.chat_id, timezone=services.settings.default_timezone
    )
    result = await asyncio.to_thread(
        compose_digest,
        services.store,
        services.matcher,
        services.summarizer.model_key,
        topic,
        since=since,
        until=until,
    )
    if not result.items:
        subjects = await asyncio.to_thread(
            subjects_in_period, services.store, since=since, until=until
        )
        await message.reply_text(
            render_empty_digest(topic, since, subjects, tz=ZoneInfo(timezone)),
            parse_mode=ParseMode.HTML,
        )
        return
    for part in render_digest(result, tz=ZoneInfo(timezone)):
        await message.reply_text(
            part,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
