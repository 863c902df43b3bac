"""/stats and /version: the operator's view of the bot."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.app.stats import bot_stats, package_version
from bot.core.texts import N_
from bot.render import replies
from bot.telegram.handlers.access import admin_refusal
from bot.telegram.handlers.context import services_of
from bot.telegram.handlers.language import language_of


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The store's counts, days in the chat's time zone (administrators only)."""
    services = services_of(context)
    message = update.effective_message
    language = await language_of(update, context)
    if refusal := admin_refusal(update, services.settings, language, N_("see /stats")):
        await message.reply_text(refusal)
        return
    counts = await bot_stats(services, update.effective_chat.id)
    await message.reply_text(
        replies.stats_text(counts, language=language), parse_mode=ParseMode.HTML
    )


async def version(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The installed version of digestbot."""
    await update.effective_message.reply_text(replies.version_text(package_version()))
