"""/recent, /search, /article and /delete: the stored articles, by number."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.app.articles import (
    MAX_SEARCH_WORDS,
    Deletion,
    NoSearchWordsError,
    article_record,
    delete_article,
    recent_articles,
    search_articles,
)
from bot.render import replies
from bot.telegram.handlers.context import services_of
from bot.telegram.handlers.feeds import MAX_FEED_NUMBER_DIGITS, whole_number
from bot.telegram.handlers.language import language_of

MAX_LISTED = 50


async def recent(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/recent [N]: the N latest stored articles (default: a digest page's worth)."""
    services = services_of(context)
    limit = services.settings.digest_page_size
    if context.args:
        asked = whole_number(context.args[0], max_digits=len(str(MAX_LISTED)))
        limit = min(asked or limit, MAX_LISTED)
    articles = await asyncio.to_thread(recent_articles, services.store, limit)
    language = await language_of(update, context)
    await update.effective_message.reply_text(
        replies.recent_articles(articles, language=language), parse_mode=ParseMode.HTML
    )


async def search(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/search WORDS: the latest stored articles holding all the words."""
    services = services_of(context)
    words = " ".join(context.args or [])
    message = update.effective_message
    language = await language_of(update, context)
    try:
        found = await asyncio.to_thread(
            search_articles, services.store, words, services.settings.digest_page_size
        )
    except NoSearchWordsError:
        await message.reply_text(replies.search_usage(MAX_SEARCH_WORDS, language=language))
        return
    await message.reply_text(
        replies.search_results(found.words, found.total, found.articles, language=language),
        parse_mode=ParseMode.HTML,
    )


async def article(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/article N: the whole stored text of article N with its sources, in messages, or as a
    file when it is too long for a few."""
    message = update.effective_message
    language = await language_of(update, context)
    number = _article_number(context)
    record = number and await asyncio.to_thread(article_record, services_of(context).store, number)
    if not record:
        await message.reply_text(replies.article_missing(number, language=language))
        return
    parts = replies.article_in_full(record.article, record.sources, language=language)
    if parts is None:
        text = replies.article_as_file(record.article, record.sources, language=language)
        await message.reply_document(
            text.encode(),
            filename=f"article-{record.article.id}.txt",
            caption=replies.article_file_caption(record.article, language=language),
            parse_mode=ParseMode.HTML,
        )
        return
    for part in parts:
        await message.reply_text(part, parse_mode=ParseMode.HTML)


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/delete N: delete article N, for who added it or an admin."""
    message = update.effective_message
    services = services_of(context)
    language = await language_of(update, context)
    number = _article_number(context)
    if not number:
        await message.reply_text(replies.article_missing(number, language=language))
        return
    user = update.effective_user
    outcome = await asyncio.to_thread(
        delete_article,
        services.store,
        number,
        user_id=user and user.id,
        is_admin=user is not None and user.id in services.settings.admins,
    )
    answers = {
        Deletion.DELETED: replies.article_deleted,
        Deletion.NOT_FOUND: replies.article_missing,
        Deletion.NOT_YOURS: replies.article_not_yours,
    }
    await message.reply_text(answers[outcome](number, language=language))


def _article_number(context: ContextTypes.DEFAULT_TYPE) -> int | None:
    args = context.args or []
    return whole_number(args[0], max_digits=MAX_FEED_NUMBER_DIGITS) if len(args) == 1 else None
