"""Who may change a chat's subscriptions, /timezone, /language, and chats coming back after
blocking the bot.

In private chats the user decides. In groups, supergroups (forum topics included) and channels
only the chat's administrators (or its owner, or an admin posting anonymously as the chat) may
subscribe, unsubscribe or change schedules, the time zone and the language; others get a
polite refusal. A command posted in a channel is an admin's (only admins post there, as the
channel itself); a button pressed under a channel's post is any reader's, so the presser's
rights are asked of Telegram (getChatMember) as in groups.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from telegram import Bot, Chat, Message, Update, User
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.app.chats import chat_timezone, set_chat_language, set_timezone
from bot.render import replies
from bot.render.i18n import error_text, tr
from bot.telegram.handlers.context import services_of
from bot.telegram.handlers.language import language_of

log = logging.getLogger(__name__)

_ADMIN_STATUSES = (ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER)


def admins_only(chat: Chat, language: str) -> str:
    """The refusal for a member who is not one of the chat's admins."""
    if chat.type == ChatType.CHANNEL:
        return tr(
            language,
            "Sorry, only this channel's admins can change its subscriptions, schedules, time "
            "zone and language.",
        )
    return tr(
        language,
        "Sorry, only this group's admins can change its subscriptions, schedules, time zone "
        "and language.",
    )


async def may_manage(update: Update, context: ContextTypes.DEFAULT_TYPE, language: str) -> bool:
    """True when the sender may change this chat's subscriptions; otherwise replies why not
    (in `language`)."""
    message, chat = update.effective_message, update.effective_chat
    if await is_manager(context.bot, chat, update.effective_user, message):
        return True
    anyone = tr(language, "Anyone can still ask for a /digest.")
    await message.reply_text(f"{admins_only(chat, language)} {anyone}")
    return False


async def is_manager(bot: Bot, chat: Chat, user: User | None, message: Message | None) -> bool:
    """Whether `user` (who sent `message`, if any) may change `chat`'s subscriptions."""
    if chat.type == ChatType.PRIVATE:
        return True
    if message is not None and message.sender_chat is not None:
        # a channel's own post, or an anonymous admin posting as the group
        return message.sender_chat.id == chat.id
    if user is None:
        return False
    try:
        member = await bot.get_chat_member(chat.id, user.id)
    except BadRequest as exc:  # e.g. the bot is no longer an admin of the channel
        log.info("cannot check user %d in chat %d (%s): refused", user.id, chat.id, exc.message)
        return False
    return member.status in _ADMIN_STATUSES


async def timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show or set this chat's time zone; setting it reschedules the chat's subscriptions."""
    message = update.effective_message
    services = services_of(context)
    language = await language_of(update, context)
    if not context.args:
        current = await asyncio.to_thread(
            chat_timezone, services.store, services.settings, message.chat_id
        )
        await message.reply_text(
            replies.timezone_shown(current, language=language), parse_mode=ParseMode.HTML
        )
        return
    if not await may_manage(update, context, language):
        return
    try:
        name, rescheduled = await asyncio.to_thread(
            set_timezone,
            services.store,
            services.settings,
            message.chat_id,
            " ".join(context.args),
            now=datetime.now(UTC),
        )
    except ValueError as exc:
        await message.reply_text(error_text(language, exc))
        return
    await message.reply_text(
        replies.timezone_set(name, rescheduled=rescheduled, language=language),
        parse_mode=ParseMode.HTML,
    )


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/language shows the language of the chat's answers; /language CODE sets it."""
    message = update.effective_message
    current = await language_of(update, context)
    if not context.args:
        await message.reply_text(replies.language_shown(current), parse_mode=ParseMode.HTML)
        return
    if not await may_manage(update, context, current):
        return
    services = services_of(context)
    code = context.args[0]
    chosen = await asyncio.to_thread(
        set_chat_language, services.store, services.settings, message.chat_id, code
    )
    if chosen is None:
        text = replies.language_unknown(code, language=current)
    else:
        text = replies.language_set(chosen)
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def reactivate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any message from a chat means it takes messages again (pushes stopped by Forbidden
    resume); unknown chats stay unknown."""
    chat = update.effective_chat
    if chat is not None:
        await asyncio.to_thread(services_of(context).store.chats.set_active, chat.id, True)
