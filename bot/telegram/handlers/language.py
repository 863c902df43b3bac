"""The language of the bot's answers in a chat (/language, in handlers.chats, chooses it).

Handlers ask `language_of` once per update and pass the answer down to the texts
(`bot.render`). In a private chat the user's Telegram language is the default; in groups and
channels, English until an admin chooses (bot.app.chats). Where the database may be what failed
(the error handler) or must not be touched (the access gate), `user_language` asks only the
update.
"""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ContextTypes

from bot.app.chats import chat_language
from bot.render.i18n import DEFAULT_LANGUAGE, supported_language
from bot.telegram.handlers.context import services_of


def user_language(update: object) -> str:
    """The sender's Telegram language where the bot speaks it, else English (no database)."""
    user = update.effective_user if isinstance(update, Update) else None
    return supported_language(user and user.language_code) or DEFAULT_LANGUAGE


async def language_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The language of the answers to `update`, from its chat's setting or (in a private chat)
    its user's Telegram language."""
    chat, user = update.effective_chat, update.effective_user
    private = chat.type == ChatType.PRIVATE and user is not None
    services = services_of(context)
    return await asyncio.to_thread(
        chat_language,
        services.store,
        services.settings,
        chat.id,
        user.language_code if private else None,
    )
