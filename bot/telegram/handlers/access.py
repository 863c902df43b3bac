"""Who may use the bot and add to its store: the one place for these checks.

Rules, from the settings:
- `allowed_chats` empty: every chat may use the bot; else only the listed chats (private chats
  have the user's id, groups and channels negative ids). Any update from another chat is
  answered with a refusal (a button press by its answer; nothing is posted in a channel) and
  handled no further (`gate`, run first).
- Channels: a channel's posts have no user, so `admins` cannot vouch for them. With `admins` or
  `allowed_chats` set, a channel must be listed in `allowed_channels` (or `allowed_chats`)
  before its posts are stored or its commands obeyed; only with both empty is every channel
  allowed. A listed channel may add its posts.
- `admins` empty: everyone may add articles, and nobody may add feeds (a feed makes the bot
  fetch the web on its own schedule, so someone must be named responsible) or see /stats. With
  `admins` set, only those user ids add articles and feeds and see /stats.
- Every chat may add at most `max_articles_per_chat_per_hour` articles (counted in the store,
  so restarts do not reset it), each article of a message, file or page counted; past that,
  adding is refused until the hour has moved on, and a file holding more articles than the
  chat may still add has only the first ones stored (the answer says how many were left out).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from telegram import Chat, Update
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot.config import Settings
from bot.core.texts import N_
from bot.metrics import note_update_outcome
from bot.render.i18n import DEFAULT_LANGUAGE, tr
from bot.telegram.handlers.context import services_of
from bot.telegram.handlers.language import language_of, user_language

log = logging.getLogger(__name__)

RATE_WINDOW = timedelta(hours=1)


async def gate(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop every update from a chat that may not use the bot, with a refusal where it can."""
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    settings = services_of(context).settings
    chat = update.effective_chat
    if chat_allowed(settings, chat.id, chat.type):
        return
    listing = "allowed_channels" if chat.type == Chat.CHANNEL else "allowed_chats"
    refusal = tr(
        user_language(update),  # a chat that may not use the bot gets no row in the store
        "This bot is private to its desk's chats. Ask its administrator to add this chat "
        "(id {chat_id}) to {listing}.",
        chat_id=chat.id,
        listing=listing,
    )
    if update.callback_query is not None:  # a button press: answered to the presser alone
        await update.callback_query.answer(refusal, show_alert=True)
    elif chat.type == Chat.CHANNEL:  # an answer would be published in the channel
        log.info("channel %d is not in %s: its update is ignored", chat.id, listing)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(refusal)
    note_update_outcome("refused")
    raise ApplicationHandlerStop


def chat_allowed(settings: Settings, chat_id: int, chat_type: str = Chat.PRIVATE) -> bool:
    """Whether the chat `chat_id` (of `chat_type`: private, group, supergroup, channel) may use
    the bot at all."""
    if chat_id in settings.allowed_chats:
        return True
    if chat_type == Chat.CHANNEL:
        listed = chat_id in settings.allowed_channels
        return listed or not (settings.admins or settings.allowed_chats)
    return not settings.allowed_chats


def article_refusal(update: Update, settings: Settings, language: str) -> str | None:
    """Why this update's sender may not add articles (in `language`), or None when they may."""
    user = update.effective_user
    if not settings.admins or (user is None and update.channel_post is not None):
        return None  # a channel's post: the gate let through only allowed channels
    if user is not None and user.id in settings.admins:
        return None
    return tr(
        language,
        "Only the bot's administrators can add articles here. Ask one of them to send it.",
    )


async def feed_manager_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The language to answer in when this update's sender may manage feeds (/addfeed, /feeds,
    /removefeed, /import, /export); None once they were told why they may not."""
    language = await language_of(update, context)
    if refusal := feed_refusal(update, services_of(context).settings, language):
        await update.effective_message.reply_text(refusal)
        return None
    return language


def feed_refusal(update: Update, settings: Settings, language: str) -> str | None:
    """Why this update's sender may not manage feeds (in `language`), or None when they may."""
    return admin_refusal(update, settings, language, N_("manage feeds"))


def admin_refusal(update: Update, settings: Settings, language: str, action: str) -> str | None:
    """Why this update's sender may not do `action` (administrators only; an `N_` text), in
    `language`, or None when they may."""
    user = update.effective_user
    if user is not None and user.id in settings.admins:
        return None
    if not settings.admins:
        return tr(
            language,
            "Only an administrator can {action}, and none is configured: add your Telegram "
            "user id to `admins` in the bot's settings.",
            action=tr(language, action),
        )
    return tr(language, "Only the bot's administrators can {action}.", action=tr(language, action))


async def article_room(
    update: Update, context: ContextTypes.DEFAULT_TYPE, language: str = DEFAULT_LANGUAGE
) -> int:
    """How many articles this update may add now; 0 when none, and then the chat has been told
    why in `language` (a channel is not: an answer would be published there)."""
    services = services_of(context)
    settings = services.settings
    refusal = article_refusal(update, settings, language)
    room = 0
    if refusal is None:
        since = datetime.now(UTC) - RATE_WINDOW
        added = await asyncio.to_thread(
            services.store.articles.count_added_by, update.effective_chat.id, since
        )
        room = max(0, settings.max_articles_per_chat_per_hour - added)
        if not room:
            refusal = tr(
                language,
                "This chat has added {added} articles in the last hour; the limit is "
                "{limit}. Send the rest a little later.",
                added=added,
                limit=settings.max_articles_per_chat_per_hour,
            )
    if refusal is not None and update.effective_message is not None and not update.channel_post:
        await update.effective_message.reply_text(refusal)
    return room


def over_the_limit(limit: int, *, stored: int, left_out: int, language: str) -> str:
    """The answer when a message held more articles than the chat may still add this hour."""
    return tr(
        language,
        "Stored {stored} of the {total} articles in it: this chat may add {limit} "
        "articles an hour. Send the other {left_out} again a little later.",
        stored=stored,
        total=stored + left_out,
        limit=limit,
        left_out=left_out,
    )
