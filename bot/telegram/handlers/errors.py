"""The one place where a handler's unexpected failure becomes a log entry and a clear answer."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import RetryAfter
from telegram.ext import ContextTypes

from bot.metrics import note_update_outcome
from bot.render.formatting import ALERT_MAX_CHARS, shorten
from bot.render.i18n import tr
from bot.store import DatabaseUnavailable
from bot.telegram.commandlog import command_of
from bot.telegram.handlers.language import user_language
from summarizer.errors import SummarizerError

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error and tell the chat what happened and what to do."""
    error = context.error
    note_update_outcome("failed")
    if isinstance(error, RetryAfter):  # the chat is flood-limited: an answer would fail too
        chat = update.effective_chat if isinstance(update, Update) else None
        log.warning("chat %s is flood-limited (%s): its answer is dropped", chat and chat.id, error)
        return
    log.error("handling %s failed", describe(update), exc_info=error)
    if not isinstance(update, Update) or update.channel_post is not None:
        return  # in a channel an answer would be published to every reader
    language = user_language(update)  # not the chat's: the database may be what failed
    if isinstance(error, DatabaseUnavailable):
        text = tr(
            language,
            "The database is unavailable right now, so nothing was stored or read. "
            "Please send that again in a minute.",
        )
    elif isinstance(error, SummarizerError):
        text = tr(language, "The local model failed: {error}", error=error)
    else:
        text = tr(language, "Something went wrong on my side; it is logged. Please try again.")
    if update.callback_query is not None:  # a button press: answered to the presser alone
        await update.callback_query.answer(shorten(text, ALERT_MAX_CHARS), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def describe(update: object) -> str:
    """An update as its log line names it: its id, chat, user and command, not its text (which
    may be private, and goes to the `error_chat` with the error)."""
    if not isinstance(update, Update):
        return "a non-update event"
    chat = update.effective_chat.id if update.effective_chat else None
    user = update.effective_user.id if update.effective_user else None
    what = command_of(update) or ("a button" if update.callback_query else "a message")
    return f"update {update.update_id} ({what} in chat {chat} from user {user})"
