"""/start, /help and the answer to unknown commands."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.render.replies import help_text, unknown_command_text
from bot.telegram.handlers.context import services_of
from bot.telegram.handlers.language import language_of


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome a chat with the guide."""
    await help_command(update, context)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain the commands."""
    settings = services_of(context).settings
    await update.effective_message.reply_text(
        help_text(
            days=settings.digest_days,
            schedule=settings.default_schedule,
            timezone=settings.default_timezone,
            language=await language_of(update, context),
        ),
        parse_mode=ParseMode.HTML,
    )


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say that a command is unknown and point to /help."""
    command = (update.effective_message.text or "").split()[0]
    await update.effective_message.reply_text(
        unknown_command_text(command, language=await language_of(update, context)),
        parse_mode=ParseMode.HTML,
    )
