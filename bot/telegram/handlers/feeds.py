"""/addfeed, /feeds and /removefeed (admins only), and the tick that polls due feeds and tells
an admin once when a feed they added keeps failing."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.app.chats import chat_language
from bot.app.feeds import follow_feed, poll_due_feeds
from bot.config import MAX_FEED_INTERVAL_S
from bot.ingest import IngestError
from bot.ingest.fetch import FetchLimits
from bot.render import replies
from bot.render.i18n import error_text, tr
from bot.store import DatabaseGone
from bot.telegram.handlers.access import feed_manager_language
from bot.telegram.handlers.context import services_of, worker_of

log = logging.getLogger(__name__)

MAX_INTERVAL_MINUTES = MAX_FEED_INTERVAL_S // 60
MAX_FEED_NUMBER_DIGITS = 9  # feed numbers are database ids; longer "numbers" name no feed


async def add_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/addfeed URL [MINUTES]: follow an RSS/Atom feed, polled every MINUTES (default setting)."""
    if (language := await feed_manager_language(update, context)) is None:
        return
    message = update.effective_message
    services = services_of(context)
    settings = services.settings
    args = context.args or []
    if len(args) not in (1, 2):
        await message.reply_text(
            tr(
                language,
                "Send /addfeed with a feed's link, and optionally how often to poll it in "
                "minutes: /addfeed https://example.org/rss.xml 60",
            )
        )
        return
    interval_s = settings.feed_interval_s
    if len(args) == 2:
        minutes = whole_number(args[1], max_digits=len(str(MAX_INTERVAL_MINUTES)))
        if minutes is None or not 1 <= minutes <= MAX_INTERVAL_MINUTES:
            await message.reply_text(
                tr(
                    language,
                    "How often to poll the feed is a number of minutes between 1 and "
                    "{most} (a week): /addfeed https://example.org/rss.xml 60",
                    most=MAX_INTERVAL_MINUTES,
                )
            )
            return
        interval_s = minutes * 60
    try:
        feed, created = await asyncio.to_thread(
            follow_feed,
            services.store,
            args[0],
            added_by=update.effective_user.id,
            interval_s=interval_s,
            limits=FetchLimits.from_settings(settings),
            now=datetime.now(UTC),
        )
    except IngestError as exc:
        await message.reply_text(error_text(language, exc))
        return
    await message.reply_text(
        replies.feed_followed(feed, created=created, language=language), parse_mode=ParseMode.HTML
    )


async def list_feeds(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/feeds: the followed feeds with their number, interval and state."""
    if (language := await feed_manager_language(update, context)) is None:
        return
    message = update.effective_message
    services = services_of(context)
    feeds = await asyncio.to_thread(services.store.feeds.all)
    await message.reply_text(replies.feed_list(feeds, language=language), parse_mode=ParseMode.HTML)


async def remove_feed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/removefeed N: stop following feed number N (its stored articles stay)."""
    if (language := await feed_manager_language(update, context)) is None:
        return
    message = update.effective_message
    services = services_of(context)
    args = context.args or []
    if len(args) != 1:
        await message.reply_text(
            tr(language, "Send /removefeed with the feed's number from /feeds.")
        )
        return
    number = whole_number(args[0], max_digits=MAX_FEED_NUMBER_DIGITS)
    feed = number and await asyncio.to_thread(services.store.feeds.get, number)
    if not feed or not await asyncio.to_thread(services.store.feeds.remove, feed.id):
        await message.reply_text(tr(language, "There is no feed with that number; see /feeds."))
        return
    await message.reply_text(
        replies.feed_removed(feed, language=language), parse_mode=ParseMode.HTML
    )


def whole_number(text: str, *, max_digits: int) -> int | None:
    """`text` as a whole number written with at most `max_digits` ASCII digits, else None
    ("²" and "٣" are digits to str.isdigit, and 23 digits overflow the database's integers)."""
    if len(text) > max_digits or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


async def poll_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Poll the due feeds (stopping the bot when its database file is gone), wake the summary
    worker for new articles, and tell the admins of feeds that keep failing."""
    services = services_of(context)
    try:
        results = await asyncio.to_thread(
            poll_due_feeds, services.store, services.settings, datetime.now(UTC)
        )
    except DatabaseGone as exc:
        log.critical(
            "%s; stopping, so that nothing more is written to it. Restore it and restart.", exc
        )
        context.application.stop_running()
        return
    if any(result.stored for result in results):
        worker_of(context).wake()
    for result in results:
        if not result.report:
            continue
        admin = result.feed.added_by  # a user id: their private chat with the bot
        language = await asyncio.to_thread(chat_language, services.store, services.settings, admin)
        try:
            await context.bot.send_message(
                admin,
                replies.feed_failing(result.feed, language=language),
                parse_mode=ParseMode.HTML,
            )
        except TelegramError as exc:
            log.warning(
                "could not tell %d about feed %d: %s", result.feed.added_by, result.feed.id, exc
            )
            continue
        await asyncio.to_thread(services.store.feeds.mark_failure_reported, result.feed.id)
