"""/digest TOPIC [PAGE]: the topic's articles from the last days, answered from stored summaries,
`digest_page_size` articles a page."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from telegram import LinkPreviewOptions, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from bot.digest import (
    normalize_topic,
    paginate,
    recent_digest,
    split_page_number,
    subjects_in_period,
)
from bot.formatting import render_digest, render_empty_digest
from bot.handlers.context import services_of
from summarizer.topic_query import TOPIC_SYNTAX


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer with a page of the digest of the topic given after the command."""
    message = update.effective_message
    services = services_of(context)
    try:
        words, page_number = split_page_number(context.args or [])
        topic = normalize_topic(words)
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
            render_empty_digest(
                topic, result.since, subjects, tz=ZoneInfo(timezone), hint=TOPIC_SYNTAX
            ),
            parse_mode=ParseMode.HTML,
        )
        return
    try:
        page = paginate(result, page_number, services.settings.digest_page_size)
    except ValueError as exc:
        await message.reply_text(f"{exc} Send /digest {topic} for the first.")
        return
    for part in render_digest(page.digest, tz=ZoneInfo(timezone), page=page):
        await message.reply_text(
            part,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
        )
