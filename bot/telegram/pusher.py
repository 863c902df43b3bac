"""The scheduled pushes in a process of their own, without Telegram polling: `digestbot pusher`.

It runs the push ticker (bot.app.pushes.run_push_ticker) through a `TelegramSender` on a
python-telegram-bot `Bot` with the bot's rate limiter (bot.telegram.flood). Several such
processes (and `digestbot run`s) may share a PostgreSQL database: one holds the push lease and
sends, so its rate limiter paces all of the fleet's pushes; another takes over once it stops
or its lease expires (it died). SIGTERM or SIGINT stops it: each delivery ends before its next
message and the lease is released, so another process pushes at once.
"""

from __future__ import annotations

import asyncio
import signal
from concurrent.futures import ThreadPoolExecutor

from telegram.ext import ExtBot

from bot.app.pushes import PushLease, run_push_ticker
from bot.app.services import Services
from bot.config import Settings
from bot.telegram.application import WORKER_THREADS
from bot.telegram.flood import rate_limiter
from bot.telegram.sender import TelegramSender


def push_bot(settings: Settings) -> ExtBot:
    """A Bot API client for pushes, paced by the bot's rate limiter; ValueError without a
    token."""
    if settings.telegram_bot_token is None:
        raise ValueError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token."
        )
    return ExtBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.telegram_api_url,
        base_file_url=settings.telegram_file_url,
        rate_limiter=rate_limiter(),
    )


async def push_until_stopped(
    services: Services, stop: asyncio.Event, lease: PushLease | None = None
) -> None:
    """Push the due digests until `stop` is set (a coroutine for any process's event loop,
    e.g. a worker's); `lease` is the push lease to hold (by default one for the settings)."""
    async with push_bot(services.settings) as bot:
        sender = TelegramSender(bot, services.store, services.settings.send_retry_delays_s)
        await run_push_ticker(services, sender, stop, lease)


def run_pusher(services: Services, lease: PushLease | None = None) -> None:
    """Push until SIGTERM or SIGINT, then close the store."""

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.set_default_executor(ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="pusher"))
        stop = asyncio.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await push_until_stopped(services, stop, lease)

    try:
        asyncio.run(main())
    finally:
        services.store.close()
