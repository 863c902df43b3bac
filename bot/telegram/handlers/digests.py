"""/digest TOPIC [PERIOD] [PAGE]: the topic's articles from the last days (`digest_days`, or a
period such as 30d), answered from stored summaries, `digest_page_size` articles a page, with a
"Next page" button while more follow."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from telegram import Bot, LinkPreviewOptions, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.ext import ContextTypes

from bot.app.arguments import parse_digest_request
from bot.app.digests import recent_digest
from bot.app.subjects import advise_on_empty_digest
from bot.core.requests import DigestRequest, paginate
from bot.render import replies
from bot.render.formatting import render_digest
from bot.telegram.handlers.context import services_of
from bot.telegram.keyboards import next_page_markup
from bot.wiring import Services


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer with a page of the digest of the topic given after the command."""
    message = update.effective_message
    try:
        request = parse_digest_request(context.args or [])
    except ValueError as exc:
        await message.reply_text(str(exc))
        return
    services, thread_id = services_of(context), topic_thread(message)
    await send_digest_page(
        context.bot,
        message.chat_id,
        services,
        request.topic,
        request.page,
        days=request.days,
        thread_id=thread_id,
    )


def topic_thread(message: Message) -> int | None:
    """The forum topic `message` is in (answers go there), or None outside forum topics."""
    return message.message_thread_id if message.is_topic_message else None


async def send_digest_page(
    bot: Bot,
    chat_id: int,
    services: Services,
    topic: str,
    page_number: int,
    *,
    days: int | None = None,
    thread_id: int | None = None,
) -> None:
    """Send page `page_number` of the topic's digest over the last `days` (None: the
    `digest_days` setting) to a chat (into the forum topic `thread_id`, if given); a "Next page"
    button under its last message when more follow."""
    request = DigestRequest(topic, days, page_number)
    await bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread_id)
    timezone = await asyncio.to_thread(
        services.store.ensure_chat, chat_id, timezone=services.settings.default_timezone
    )
    result = await asyncio.to_thread(recent_digest, services, topic, days=days)
    if not result.items:
        days = days or services.settings.digest_days
        advice = await asyncio.to_thread(advise_on_empty_digest, services, result, days=days)
        await bot.send_message(
            chat_id,
            replies.empty_digest(topic, days, advice),
            message_thread_id=thread_id,
            parse_mode=ParseMode.HTML,
        )
        return
    try:
        page = paginate(result, page_number, services.settings.digest_page_size)
    except ValueError as exc:
        await bot.send_message(
            chat_id,
            f"{exc} Send {request.command(page=1)} for the first.",
            message_thread_id=thread_id,
        )
        return
    parts = render_digest(
        page.digest,
        tz=ZoneInfo(timezone),
        page=page,
        next_page_command=request.command(page=page.number + 1),
    )
    more = next_page_markup(topic, page.number + 1, days=days) if page.number < page.count else None
    for index, part in enumerate(parts):
        await bot.send_message(
            chat_id,
            part,
            message_thread_id=thread_id,
            parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True),
            reply_markup=more if index == len(parts) - 1 else None,
        )
