"""Articles sent to the bot: pasted or forwarded text, links, and uploaded files.

A message that is only a link (or a few words around one), and `/add URL`, fetch the page and
store its article; a longer text holding links is an article itself (bot.app.intake).

Each article is stored at once and answered with its title; the summary is made by the worker
and added to that answer (edited in place) when it is ready. A message, file or page is read into
its articles first, and only as many are stored as the chat's hourly limit still allows; the
rest are named in the answer (handlers.access). Answers still waiting are recorded in the
store, so after a crash the restarted bot completes them (`resume_summary_replies`).
"""

from __future__ import annotations

import asyncio
import logging

from telegram import (
    Message,
    MessageOriginChannel,
    MessageOriginHiddenUser,
    MessageOriginUser,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.app.chats import chat_language
from bot.app.intake import StoredOutcome, read_link, read_message, store_drafts
from bot.app.services import Services
from bot.core.domain import ArticleDraft, PendingReply, StoredArticle
from bot.ingest import IngestError, parse_file
from bot.ingest.fetch import FetchLimits
from bot.render import replies
from bot.render.i18n import error_text, tr
from bot.telegram.handlers.access import article_room, over_the_limit
from bot.telegram.handlers.context import services_of, worker_of
from bot.telegram.handlers.language import language_of

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_REPLIES_PER_MESSAGE = 10


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the article in a pasted or forwarded message, or at the link it holds."""
    message = update.effective_message
    language = await language_of(update, context)
    room = await article_room(update, context, language)
    if not room:
        return
    services = services_of(context)
    try:
        drafts = await _read_message(services, message.text, source=source_of(message))
    except IngestError as exc:
        await message.reply_text(error_text(language, exc))
        return
    outcomes = await _store(services, drafts[:room], update)
    await _answer(message, context, outcomes, language, left_out=len(drafts[room:]))


async def add(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/add URL: fetch the page and store its article."""
    message = update.effective_message
    language = await language_of(update, context)
    room = await article_room(update, context, language)
    if not room:
        return
    if not context.args:
        await message.reply_text(
            tr(language, "Send /add with a link, e.g. /add https://example.org/story")
        )
        return
    services = services_of(context)
    try:
        drafts = await asyncio.to_thread(
            read_link,
            context.args[0],
            limits=FetchLimits.from_settings(services.settings),
            max_chars=services.settings.max_article_chars,
        )
    except IngestError as exc:
        await message.reply_text(error_text(language, exc))
        return
    outcomes = await _store(services, drafts[:room], update)
    await _answer(message, context, outcomes, language, left_out=len(drafts[room:]))


async def channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store a post of a channel the bot was added to, source = the channel. Nothing is
    answered: an answer would be published in the channel; failures go to the log."""
    post = update.channel_post
    room = await article_room(update, context)
    if not room:
        log.info("channel %s may not add post %d now", post.chat_id, post.id)
        return
    services = services_of(context)
    try:
        drafts = await _read_message(services, post.text, source=_chat_name(post.chat))
    except IngestError as exc:
        log.info("channel %s post %d not stored: %s", post.chat_id, post.id, exc)
        return
    outcomes = await _store(services, drafts[:room], update)
    worker_of(context).wake()
    for outcome in outcomes:
        state = "stored" if outcome.created else "already stored"
        log.info("channel post %s: %s", state, outcome.article.title)
    if drafts[room:]:
        log.info(
            "channel %s post %d: %d more articles not stored (hourly limit)",
            post.chat_id, post.id, len(drafts[room:]),
        )  # fmt: skip


async def _read_message(services: Services, text: str, *, source: str) -> list[ArticleDraft]:
    return await asyncio.to_thread(
        read_message,
        text,
        source=source,
        limits=FetchLimits.from_settings(services.settings),
        max_chars=services.settings.max_article_chars,
    )


async def _store(
    services: Services, drafts: list[ArticleDraft], update: Update
) -> list[StoredOutcome]:
    """Store the drafts as sent by this update's chat and user (a channel post has none)."""
    user = update.effective_user
    return await asyncio.to_thread(
        store_drafts,
        services.store,
        drafts,
        chat_id=update.effective_chat.id,
        user_id=user and user.id,
    )


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the articles in an uploaded .txt, .md or .html file."""
    message = update.effective_message
    language = await language_of(update, context)
    room = await article_room(update, context, language)
    if not room:
        return
    services = services_of(context)
    doc = message.document
    name = doc.file_name or "upload.txt"
    if doc.file_size and doc.file_size > MAX_FILE_BYTES:
        await message.reply_text(
            tr(
                language,
                "{name} is {size} MB; files up to {limit} MB are accepted. Split it and send "
                "the parts.",
                name=name,
                size=f"{doc.file_size / 1e6:.1f}",
                limit=MAX_FILE_BYTES // 1024 // 1024,
            )
        )
        return
    data = bytes(await (await doc.get_file()).download_as_bytearray())
    try:
        drafts = await asyncio.to_thread(
            parse_file, name, data, max_chars=services.settings.max_article_chars
        )
    except IngestError as exc:
        await message.reply_text(f"{name}: {error_text(language, exc)}")
        return
    outcomes = await _store(services, drafts[:room], update)
    await _answer(message, context, outcomes, language, left_out=len(drafts[room:]))


def source_of(message: Message) -> str:
    """Where a Telegram article came from: the forwarded-from chat or user, else this chat."""
    origin = message.forward_origin
    if isinstance(origin, MessageOriginChannel):
        return _chat_name(origin.chat)
    if isinstance(origin, MessageOriginUser):
        return f"Telegram: {origin.sender_user.full_name}"
    if isinstance(origin, MessageOriginHiddenUser):
        return f"Telegram: {origin.sender_user_name}"
    if origin is not None and getattr(origin, "sender_chat", None):
        return _chat_name(origin.sender_chat)
    return _chat_name(message.chat)


def _chat_name(chat) -> str:
    if chat.username:
        return f"Telegram: @{chat.username}"
    return f"Telegram: {chat.title or chat.full_name or chat.id}"


async def _answer(
    message: Message,
    context: ContextTypes.DEFAULT_TYPE,
    outcomes: list[StoredOutcome],
    language: str,
    *,
    left_out: int = 0,
) -> None:
    worker = worker_of(context)
    worker.wake()
    store = services_of(context).store
    for outcome in outcomes[:MAX_REPLIES_PER_MESSAGE]:
        reply = await message.reply_text(
            replies.summarizing(outcome.article, created=outcome.created, language=language),
            parse_mode=ParseMode.HTML,
        )
        pending = PendingReply(reply.chat_id, reply.message_id, outcome.article.id, outcome.created)
        await asyncio.to_thread(store.chats.remember_reply, pending)
        context.application.create_task(
            _complete_with_summary(pending, outcome.article, context), update=None
        )
    if len(outcomes) > MAX_REPLIES_PER_MESSAGE:
        more = len(outcomes) - MAX_REPLIES_PER_MESSAGE
        await message.reply_text(
            tr(language, "…and {count} more articles stored from it.", count=more)
        )
    if left_out:
        limit = services_of(context).settings.max_articles_per_chat_per_hour
        await message.reply_text(
            over_the_limit(limit, stored=len(outcomes), left_out=left_out, language=language)
        )


async def resume_summary_replies(context: ContextTypes.DEFAULT_TYPE) -> None:
    """At start-up: complete the "Summarizing…" answers a crash or stop left unfinished."""
    store = services_of(context).store
    for pending in await asyncio.to_thread(store.chats.pending_replies):
        article = await asyncio.to_thread(store.articles.get, pending.article_id)
        if article is None:  # deleted meanwhile (the row goes with it; this is a race)
            continue
        context.application.create_task(
            _complete_with_summary(pending, article, context), update=None
        )


async def _complete_with_summary(
    pending: PendingReply, article: StoredArticle, context: ContextTypes.DEFAULT_TYPE
) -> None:
    result = await worker_of(context).outcome(article.id)
    services = services_of(context)
    language = await asyncio.to_thread(
        chat_language, services.store, services.settings, pending.chat_id
    )
    try:
        await context.bot.edit_message_text(
            replies.article_summarized(
                article,
                created=pending.created,
                summary=result.summary,
                error=result.error,
                language=language,
            ),
            chat_id=pending.chat_id,
            message_id=pending.message_id,
            parse_mode=ParseMode.HTML,
        )
    except TelegramError as exc:  # e.g. the message was deleted: there is nothing to complete
        log.warning("could not add the summary to message %d: %s", pending.message_id, exc)
    await asyncio.to_thread(
        services_of(context).store.chats.forget_reply, pending.chat_id, pending.message_id
    )
