"""Access to the shared services, sender and worker from a handler's context."""

from __future__ import annotations

from telegram.ext import ContextTypes

from bot.app.services import Services
from bot.app.summaries import StoreWatcher, SummaryWorker
from bot.telegram.sender import TelegramSender
from bot.telegram.telegraph import TelegraphClient

SERVICES_KEY = "services"
SENDER_KEY = "sender"
WORKER_KEY = "worker"
TELEGRAPH_KEY = "telegraph"


def services_of(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """The Services the application was built with."""
    return context.application.bot_data[SERVICES_KEY]


def sender_of(context: ContextTypes.DEFAULT_TYPE) -> TelegramSender:
    """The one sender of digest messages (pushes and /digest answers)."""
    return context.application.bot_data[SENDER_KEY]


def worker_of(context: ContextTypes.DEFAULT_TYPE) -> SummaryWorker | StoreWatcher:
    """The in-process summary worker, or the watcher of a `digestbot worker` process."""
    return context.application.bot_data[WORKER_KEY]


def telegraph_of(context: ContextTypes.DEFAULT_TYPE) -> TelegraphClient | None:
    """The Telegraph client making digests "one page", or None when no token is set."""
    return context.application.bot_data.get(TELEGRAPH_KEY)
