"""Articles sent to the bot: pasted or forwarded text, links, and uploaded files.

A message that is only a link (or a few words around one), and `/add URL`, fetch the page and
store its article; a longer text holding links is an article itself.

Each article is stored at once and answered with its title; the summary is made by the worker
and added to that answer (edited in place) when it is ready. Answers still waiting are recorded
in the store, so after a crash the restarted bot completes them (`resume_summary_replies`).
"""

from __future__ import annotations

import asyncio
import logging
import re

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

from bot import replies
from bot.articles import StoredOutcome, ingest_file, ingest_text, ingest_url
from bot.domain import PendingReply, StoredArticle
from bot.handlers.access import may_add_articles
from bot.handlers.context import services_of, worker_of
from bot.ingest import IngestError
from bot.ingest.articles import MIN_ARTICLE_WORDS
from bot.ingest.fetch import FetchLimits
from bot.services import Services

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_REPLIES_PER_MESSAGE = 10
_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING_PUNCTUATION = ".,;:!?)]}»”’"


async def text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the article in a pasted or forwarded message, or at the link it holds."""
    message = update.effective_message
    if not await may_add_articles(update, context):
        return
    try:
        outcomes = await _ingest_message_text(
            services_of(context), message.text, source=source_of(message), chat_id=message.chat_id
        )
    except IngestError as exc:
        await message.reply_text(str(exc))
        return
    await _answer(message, context, outcomes)


async def add(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/add URL: fetch the page and store its article."""
    message = update.effective_message
    if not await may_add_articles(update, context):
        return
    if not context.args:
        await message.reply_text("Send /add with a link, e.g. /add https://example.org/story")
        return
    try:
        outcomes = await _fetch_and_store(services_of(context), context.args[0], message.chat_id)
    except IngestError as exc:
        await message.reply_text(str(exc))
        return
    await _answer(message, context, outcomes)


async def channel_post(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store a post of a channel the bot was added to, source = the channel. Nothing is
    answered: an answer would be published in the channel; failures go to the log."""
    post = update.channel_post
    if not await may_add_articles(update, context):
        log.info("channel %s may not add post %d now", post.chat_id, post.id)
        return
    try:
        outcomes = await _ingest_message_text(
            services_of(context), post.text, source=_chat_name(post.chat), chat_id=post.chat_id
        )
    except IngestError as exc:
        log.info("channel %s post %d not stored: %s", post.chat_id, post.id, exc)
        return
    worker_of(context).wake()
    for outcome in outcomes:
        state = "stored" if outcome.created else "already stored"
        log.info("channel post %s: %s", state, outcome.article.title)


def link_to_fetch(text: str) -> str | None:
    """The link to fetch when a message is a link rather than an article: its first URL, if
    fewer than an article's worth of words surround it; else None."""
    links = _URL.findall(text)
    if not links:
        return None
    words_besides = len(_URL.sub(" ", text).split())
    if words_besides >= MIN_ARTICLE_WORDS:
        return None
    return links[0].rstrip(_TRAILING_PUNCTUATION)


async def _ingest_message_text(
    services: Services, text: str, *, source: str, chat_id: int
) -> list[StoredOutcome]:
    """Store the article in a message's text, or fetched from the link the message is."""
    link = link_to_fetch(text)
    if link is not None:
        return await _fetch_and_store(services, link, chat_id)
    return await asyncio.to_thread(
        ingest_text,
        services.store,
        text,
        source=source,
        max_chars=services.settings.max_article_chars,
        chat_id=chat_id,
    )


async def _fetch_and_store(services: Services, url: str, chat_id: int) -> list[StoredOutcome]:
    try:
        return await asyncio.to_thread(
            ingest_url,
            services.store,
            url,
            limits=FetchLimits.from_settings(services.settings),
            max_chars=services.settings.max_article_chars,
            chat_id=chat_id,
        )
    except IngestError as exc:
        log.info("link %s not stored: %s", url, exc)
        raise


async def document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store the articles in an uploaded .txt, .md or .html file."""
    message = update.effective_message
    if not await may_add_articles(update, context):
        return
    services = services_of(context)
    doc = message.document
    name = doc.file_name or "upload.txt"
    if doc.file_size and doc.file_size > MAX_FILE_BYTES:
        await message.reply_text(
            f"{name} is {doc.file_size / 1e6:.1f} MB; files up to "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB are accepted. Split it and send the parts."
        )
        return
    data = bytes(await (await doc.get_file()).download_as_bytearray())
    try:
        outcomes = await asyncio.to_thread(
            ingest_file,
            services.store,
            name,
            data,
            max_chars=services.settings.max_article_chars,
            chat_id=message.chat_id,
        )
    except IngestError as exc:
        await message.reply_text(f"{name}: {exc}")
        return
    await _answer(message, context, outcomes)


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
    message: Message, context: ContextTypes.DEFAULT_TYPE, outcomes: list[StoredOutcome]
) -> None:
    worker = worker_of(context)
    worker.wake()
    store = services_of(context).store
    for outcome in outcomes[:MAX_REPLIES_PER_MESSAGE]:
        reply = await message.reply_text(
            replies.summarizing(outcome.article, created=outcome.created),
            parse_mode=ParseMode.HTML,
        )
        pending = PendingReply(reply.chat_id, reply.message_id, outcome.article.id, outcome.created)
        await asyncio.to_thread(store.remember_pending_reply, pending)
        context.application.create_task(
            _complete_with_summary(pending, outcome.article, context), update=None
        )
    if len(outcomes) > MAX_REPLIES_PER_MESSAGE:
        await message.reply_text(
            f"…and {len(outcomes) - MAX_REPLIES_PER_MESSAGE} more articles stored from it."
        )


async def resume_summary_replies(context: ContextTypes.DEFAULT_TYPE) -> None:
    """At start-up: complete the "Summarizing…" answers a crash or stop left unfinished."""
    store = services_of(context).store
    for pending in await asyncio.to_thread(store.pending_replies):
        article = await asyncio.to_thread(store.article, pending.article_id)
        if article is None:  # deleted meanwhile (the row goes with it; this is a race)
            continue
        context.application.create_task(
            _complete_with_summary(pending, article, context), update=None
        )


async def _complete_with_summary(
    pending: PendingReply, article: StoredArticle, context: ContextTypes.DEFAULT_TYPE
) -> None:
    result = await worker_of(context).outcome(article.id)
    try:
        await context.bot.edit_message_text(
            replies.article_summarized(
                article, created=pending.created, summary=result.summary, error=result.error
            ),
            chat_id=pending.chat_id,
            message_id=pending.message_id,
            parse_mode=ParseMode.HTML,
        )
    except TelegramError as exc:  # e.g. the message was deleted: there is nothing to complete
        log.warning("could not add the summary to message %d: %s", pending.message_id, exc)
    await asyncio.to_thread(
        services_of(context).store.forget_pending_reply, pending.chat_id, pending.message_id
    )
