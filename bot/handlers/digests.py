"""/digest TOPIC [PAGE]: the topic's articles from the last days, answered from stored summaries,
`digest_page_size` articles a page, with a "Next page" button while more follow."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from bot.buttons import next_page_markup
from bot.digest import (
    normalize_topic,
    paginate,
    recent_digest,
    split_page_number,
    subjects_in_period,
)
from bot.formatting import render_digest, render_empty_digest
from bot.handlers.context import services_of
from bot.services import Services
from summarizer.topic_query import TOPIC_SYNTAX


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer with a page of the digest of the topic given after the command."""
    message = update.effective_message
    try:
        words, page_number = split_page_number(context.args or [])
        topic = normalize_topic(words)
    except ValueError as exc:
        await message.reply_text(str(exc))
        return
    await send_digest_page(context.bot, message.chat_id, services_of(context), topic, page_number)


async def send_digest_page(
    bot: Bot, chat_id: int, services: Services, topic: str, page_number: int
) -> None:
    """Send page `page_number` of the topic's recent digest to a chat; a "Next page" button
    under its last message when more follow."""
    await bot.send_chat_action(chat_id, ChatAction.TYPING)
    timezone = await asyncio.to_thread(
        services.store.ensure_chat, chat_id, timezone=services.settings.default_timezone
    )
    result = await asyncio.to_thread(recent_digest, services, topic)
    if not result.items:
        subjects = await asyncio.to_thread(
            subjects_in_period, services.store, since=result.since, until=result.until
        )
        await bot.send_message(
            chat_id,
            render_empty_digest(
                topic, result.since, subjects, tz=ZoneInfo(timezone), hint=TOPIC_SYNTAX
            ),
            parse_mode=ParseMode.HTML,
        )
        return
    try:
        page = paginate(result, page_number, services.settings.digest_page_size)
    except ValueError as exc:
        await bot.send_message(chat_id, f"{exc} Send /digest {topic} for the first.")
        return
    parts = render_digest(page.digest, tz=ZoneInfo(timezone), page=page)
    more = next_page_markup(topic, page.number + 1) if page.number < page.count else None
    for index, part in enumerate(parts):
        await bot.send_message(
            chat_id,
            part,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=more if index == len(parts) - 1 else None,
        )
