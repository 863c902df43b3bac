"""The one place where a handler's unexpected failure becomes a log entry and a clear answer."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.store import DatabaseUnavailable
from summarizer.errors import SummarizerError

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error and tell the chat what happened and what to do."""
    error = context.error
    log.error("handling %s failed", update, exc_info=error)
    if not isinstance(update, Update) or update.effective_message is None:
        return
    if isinstance(error, DatabaseUnavailable):
        text = (
            "The database is unavailable right now, so nothing was stored or read. "
            "Please send that again in a minute."
        )
    elif isinstance(error, SummarizerError):
        text = f"The local model failed: {error}"
    else:
        text = "Something went wrong on my side; it is logged. Please try again."
    await update.effective_message.reply_text(text)
