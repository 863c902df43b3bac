"""/import and /export (admins): the followed feeds in and out as an OPML file.

/import is the caption of the file, or the answer to the message that carries it; in a private
chat an .opml file sent alone is imported too (it cannot be an article)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from telegram import Document, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.app.feedlists import MAX_IMPORTED_FEEDS, export_feed_list, import_feed_list
from bot.ingest import IngestError
from bot.ingest.opml import UNNAMED_FILE, check_feed_list_size
from bot.render import replies
from bot.render.i18n import error_text
from bot.telegram.handlers.access import feed_manager_language
from bot.telegram.handlers.context import services_of

IMPORT_CAPTION = r"^/import(@\w+)?(\s|$)"


async def import_feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Follow every feed of the OPML file this message carries or answers."""
    if (language := await feed_manager_language(update, context)) is None:
        return
    message = update.effective_message
    services = services_of(context)
    document = _attached(message)
    if document is None:
        await message.reply_text(replies.feed_list_usage(language=language))
        return
    name = document.file_name or UNNAMED_FILE
    try:
        check_feed_list_size(document.file_size or 0, name=name)
        data = bytes(await (await document.get_file()).download_as_bytearray())
        result = await asyncio.to_thread(
            import_feed_list,
            services.store,
            data,
            name=name,
            added_by=update.effective_user.id,
            interval_s=services.settings.feed_interval_s,
            now=datetime.now(UTC),
        )
    except IngestError as exc:
        await message.reply_text(error_text(language, exc))
        return
    await message.reply_text(
        replies.feed_list_imported(
            followed=len(result.followed),
            already=len(result.already),
            refused=result.refused,
            left_out=result.left_out,
            most=MAX_IMPORTED_FEEDS,
            language=language,
        ),
        parse_mode=ParseMode.HTML,
    )


async def export_feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export: the followed feeds as an OPML file."""
    if (language := await feed_manager_language(update, context)) is None:
        return
    message = update.effective_message
    services = services_of(context)
    now = datetime.now(UTC)
    data = await asyncio.to_thread(export_feed_list, services.store, now)
    if data is None:
        await message.reply_text(replies.no_feeds_to_export(language=language))
        return
    count = len(await asyncio.to_thread(services.store.feeds.all))
    await message.reply_document(
        data,
        filename=f"digestbot-feeds-{now:%Y%m%d}.opml",
        caption=replies.feed_list_exported(count, language=language),
    )


def _attached(message: Message) -> Document | None:
    """The file of this message, else of the message it answers."""
    if message.document is not None:
        return message.document
    replied = message.reply_to_message
    return replied.document if replied is not None else None
