"""/digest TOPIC [PERIOD] [PAGE]: the topic's articles from the last days (`digest_days`, or a
period such as 30d), answered from stored summaries, `digest_page_size` articles a page, with a
"Next page" button while more follow, and "Whole digest as a file" when it is longer than one
message."""

from __future__ import annotations

import asyncio
import html
from zoneinfo import ZoneInfo

from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot.app.arguments import parse_digest_request
from bot.app.digests import recent_digest
from bot.app.sending import NextPageButton, send_in_order
from bot.app.services import Services
from bot.app.subjects import advise_on_empty_digest
from bot.core.domain import RenderedMessage
from bot.core.requests import DigestRequest, paginate
from bot.render import replies
from bot.render.formatting import render_digest
from bot.render.i18n import error_text, tr
from bot.telegram.handlers.context import sender_of, services_of
from bot.telegram.handlers.language import language_of


async def digest(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer with a page of the digest of the topic given after the command."""
    message = update.effective_message
    language = await language_of(update, context)
    try:
        request = parse_digest_request(context.args or [])
    except ValueError as exc:
        await message.reply_text(error_text(language, exc))
        return
    await send_digest_page(
        context,
        message.chat_id,
        request.topic,
        request.page,
        days=request.days,
        thread_id=topic_thread(message),
        language=language,
    )


def topic_thread(message: Message) -> int | None:
    """The forum topic `message` is in (answers go there), or None outside forum topics."""
    return message.message_thread_id if message.is_topic_message else None


async def send_digest_page(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    topic: str,
    page_number: int,
    *,
    days: int | None = None,
    thread_id: int | None = None,
    language: str,
) -> None:
    """Send page `page_number` of the topic's digest over the last `days` (None: the
    `digest_days` setting) to a chat (into the forum topic `thread_id`, if given), through the
    sender pushes use; a "Next page" button under its last message when more follow. The bot's
    own words are in `language`."""
    services = services_of(context)
    await context.bot.send_chat_action(chat_id, ChatAction.TYPING, message_thread_id=thread_id)
    timezone = await asyncio.to_thread(
        services.store.chats.ensure, chat_id, timezone=services.settings.default_timezone
    )
    request = DigestRequest(topic, days, page_number)
    messages, more = await asyncio.to_thread(_page, services, request, ZoneInfo(timezone), language)
    await send_in_order(
        sender_of(context),
        chat_id,
        messages,
        buttons=lambda index, count: more if index == count - 1 else None,
        what=f"/digest {topic} page {page_number}",
        thread_id=thread_id,
    )


def _page(
    services: Services, request: DigestRequest, tz: ZoneInfo, language: str
) -> tuple[list[RenderedMessage], NextPageButton | None]:
    """The messages answering `request` (a blocking call), and the buttons under the last: the
    next page when one follows, the whole digest as a file when it is longer than a message."""
    result = recent_digest(services, request.topic, days=request.days)
    if not result.items:
        days = request.days or services.settings.digest_days
        advice = advise_on_empty_digest(services, result, days=days)
        text = replies.empty_digest(request.topic, days, advice, language=language)
        return [RenderedMessage(text)], None
    try:
        page = paginate(result, request.page, services.settings.digest_page_size)
    except ValueError as exc:
        first = tr(
            language,
            "{reason} Send {command} for the first.",
            reason=error_text(language, exc),
            command=request.command(page=1),
        )
        return [RenderedMessage(html.escape(first))], None
    messages = render_digest(
        page.digest,
        language=language,
        tz=tz,
        page=page,
        next_page_command=request.command(page=page.number + 1),
    )
    next_page = page.number + 1 if page.number < page.count else None
    whole = page.count > 1 or len(messages) > 1
    if next_page is None and not whole:
        return messages, None
    return messages, NextPageButton(
        request.topic,
        next_page,
        days=request.days,
        language=language,
        whole_digest=whole,
        one_page=services.settings.telegraph_enabled,
    )
