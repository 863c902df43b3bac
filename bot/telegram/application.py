"""Building and running the Telegram application: wiring only.

One builder (`build_application`) serves both ways updates arrive: long polling here (`run`),
or a webhook (bot.telegram.webhook, `digestbot web`), where the application has no updater.
Start-up order (python-telegram-bot): getMe → post_init (thread pool, command menu, worker,
/digest warm-up, schedule and feed tickers, the daily retention run when keep_days is set, the
`error_chat` reporter) → deleteWebhook → long-polling getUpdates. Stopping lets pending summary
follow-ups finish, then cancels the worker; shutdown releases the push lease (a restarted bot
pushes at once), removes the reporter and closes the store.

On PostgreSQL one `digestbot run` polls a database: it holds a session lock
(bot.store.locks) while it runs, and a second one waits for it as a standby instead of fighting
over getUpdates (Telegram answers two pollers with 409 Conflict); it takes over once the first
stops or dies. A poller that loses its lock's connection stops (exit code 1), since a standby
may have taken over. On SQLite (one host) nothing is locked.

Updates of different chats are handled concurrently, each chat's in order
(bot.telegram.updates), and a long flood wait stalls only its chat (bot.telegram.flood). Digest
messages, pushed (bot.app.pushes, the "deliveries" ticker) or asked with /digest, go out through
one `TelegramSender` (bot.telegram.sender) kept in `bot_data`. Blocking work (fetching a link,
composing a digest, the database) runs in threads: `WORKER_THREADS` of them, so a few slow links
cannot take every thread the other chats' handlers need.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot.app.articles import prune_old_articles
from bot.app.pushes import PushLease, deliver_due
from bot.app.services import Services
from bot.app.summaries import StoreWatcher, SummaryWorker
from bot.render.i18n import DEFAULT_LANGUAGE, LANGUAGES
from bot.render.replies import commands
from bot.runtime import REFREEZE_S, freeze_long_lived, warm_up
from bot.store import DatabaseUnavailable, SessionLock
from bot.telegram.errorchat import ErrorChatHandler
from bot.telegram.flood import rate_limiter
from bot.telegram.handlers import articles, feeds, register_handlers
from bot.telegram.handlers.context import (
    SENDER_KEY,
    SERVICES_KEY,
    TELEGRAPH_KEY,
    WORKER_KEY,
    sender_of,
)
from bot.telegram.sender import TelegramSender
from bot.telegram.telegraph import TelegraphClient
from bot.telegram.updates import ChatOrderedUpdateProcessor

log = logging.getLogger(__name__)

WORKER_TASK_KEY = "worker_task"
ERROR_CHAT_KEY = "error_chat_handler"
LOCK_WATCH_KEY = "polling_lock"
WARMED_KEY = "warmed_up"  # True once the start-up warm-up has ended
POLLING_LOCK = "digestbot polling"
STANDBY_RETRY_S = 2.0  # how often a standby poller asks for the lock
LOCK_CHECK_S = 10.0  # how often the poller checks that it still holds the lock
MAX_RUNNING_UPDATES = 16  # updates of different chats handled at once
WORKER_THREADS = 32
RETENTION_INTERVAL_S = 24 * 60 * 60  # keep_days prunes once a day, first a minute after start


def build_application(services: Services, *, polling: bool = True) -> Application:
    """The bot application for these services, with an updater for long polling unless
    `polling` is False (webhook mode feeds its update queue); raises ValueError without a
    token."""
    settings = services.settings
    if settings.telegram_bot_token is None:
        raise ValueError(
            "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token."
        )
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .base_file_url(settings.telegram_file_url)
        .rate_limiter(rate_limiter())
        .concurrent_updates(ChatOrderedUpdateProcessor(MAX_RUNNING_UPDATES))
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    application = (builder if polling else builder.updater(None)).build()
    application.bot_data[SERVICES_KEY] = services
    application.bot_data[SENDER_KEY] = TelegramSender(
        application.bot, services.store, settings.send_retry_delays_s
    )
    if settings.telegraph_enabled:
        application.bot_data[TELEGRAPH_KEY] = TelegraphClient(
            settings.telegraph_api_url, settings.telegraph_token.get_secret_value()
        )
    if settings.worker_in_process and not settings.cluster_mode:
        application.bot_data[WORKER_KEY] = SummaryWorker(
            services.store,
            services.summarizer,
            services.matcher,
            batch_size=settings.worker_batch_size,
            idle_s=settings.worker_idle_s,
        )
    else:  # `digestbot worker` summarizes in its own process (always in cluster mode)
        application.bot_data[WORKER_KEY] = StoreWatcher(
            services.store, services.summarizer.model_key
        )
    register_handlers(application)
    return application


class PollingLockLost(Exception):
    """The poller lost the connection holding its lock: a standby may be polling now."""


@dataclass
class _LockWatch:
    lock: SessionLock
    lost: bool = False


def run(services: Services) -> None:
    """Run the bot until interrupted (long polling); on PostgreSQL, first wait while another
    process polls this database. Raises PollingLockLost when the lock was lost meanwhile."""
    lock = services.store.session_lock(POLLING_LOCK)
    watch: _LockWatch | None = None
    if lock is not None:
        _wait_for_turn(lock)
    try:
        application = build_application(services)
        if lock is not None:
            watch = application.bot_data[LOCK_WATCH_KEY] = _LockWatch(lock)
            application.job_queue.run_repeating(
                _check_lock, interval=LOCK_CHECK_S, first=LOCK_CHECK_S, name="polling lock"
            )
        application.run_polling(
            allowed_updates=Update.ALL_TYPES, timeout=services.settings.poll_timeout_s
        )
    finally:
        if lock is not None:
            lock.release()
    if watch is not None and watch.lost:
        raise PollingLockLost(
            "the database connection holding the polling lock was lost, so another "
            "`digestbot run` may be polling now: this one stopped (start it again to stand by)"
        )


def _wait_for_turn(lock: SessionLock) -> None:
    """Block until this process holds the polling lock, asking every STANDBY_RETRY_S."""
    waiting = False
    while True:
        try:
            if lock.try_acquire():
                break
        except DatabaseUnavailable as exc:
            log.warning("standby: cannot ask for the polling lock (%s); trying again", exc)
        if not waiting:
            log.info("standby: another `digestbot run` polls for this database; waiting for it")
            waiting = True
        time.sleep(STANDBY_RETRY_S)
    if waiting:
        log.info("standby over: the other poller stopped, this process polls now")


async def _check_lock(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop polling once the lock's connection is gone (a standby may poll already)."""
    watch: _LockWatch = context.application.bot_data[LOCK_WATCH_KEY]
    if not await asyncio.to_thread(watch.lock.held):
        log.error("the polling lock's database connection was lost: stopping")
        watch.lost = True
        context.application.stop_running()


async def _set_commands(application: Application) -> None:
    """The command menu: English for every user, and in each other language for the users whose
    Telegram speaks it."""
    for language in LANGUAGES:
        menu = [BotCommand(name, text) for name, text in commands(language)]
        code = None if language == DEFAULT_LANGUAGE else language
        await application.bot.set_my_commands(menu, language_code=code)


async def _post_init(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    asyncio.get_running_loop().set_default_executor(
        ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="digestbot")
    )
    await _set_commands(application)
    worker = application.bot_data[WORKER_KEY]
    if isinstance(worker, SummaryWorker):
        application.bot_data[WORKER_TASK_KEY] = asyncio.create_task(worker.run(), name="worker")
    application.job_queue.run_once(_warm_up, when=0, name="digest warm-up")
    application.job_queue.run_once(
        articles.resume_summary_replies, when=0, name="unfinished summary answers"
    )
    application.job_queue.run_repeating(
        _refreeze, interval=REFREEZE_S, first=REFREEZE_S, name="garbage collector freeze"
    )
    application.job_queue.run_repeating(
        _tick, interval=services.settings.scheduler_tick_s, first=0, name="deliveries"
    )
    if not services.settings.cluster_mode:  # else cluster workers poll the feeds
        application.job_queue.run_repeating(
            feeds.poll_tick, interval=services.settings.feed_tick_s, first=1, name="feeds"
        )
    if services.settings.error_chat is not None:
        reporter = ErrorChatHandler(
            application.bot,
            services.settings.error_chat,
            asyncio.get_running_loop(),
            secrets=[application.bot.token],
        )
        logging.getLogger().addHandler(reporter)
        application.bot_data[ERROR_CHAT_KEY] = reporter
    if services.settings.keep_days:
        application.job_queue.run_repeating(
            _prune, interval=RETENTION_INTERVAL_S, first=60, name="retention"
        )
    log.info("digestbot @%s ready", application.bot.username)


async def _warm_up(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Warm /digest's caches in a thread: commands are answered meanwhile."""
    services: Services = context.application.bot_data[SERVICES_KEY]
    started = time.perf_counter()
    application = context.application
    count = await asyncio.to_thread(warm_up, services, lambda: not application.running)
    if not application.running:
        log.info("/digest warm-up left off: the bot is stopping")
        return
    application.bot_data[WARMED_KEY] = True
    log.info("/digest warm: %d recent articles in %.1f s", count, time.perf_counter() - started)


async def _refreeze(context: ContextTypes.DEFAULT_TYPE) -> None:
    freeze_long_lived()


async def _tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Push the due digests (bot.app.pushes) through the application's sender."""
    await deliver_due(context.application.bot_data[SERVICES_KEY], sender_of(context))


async def _prune(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete what is older than keep_days (bot.app.articles.prune_old_articles)."""
    services: Services = context.application.bot_data[SERVICES_KEY]
    await asyncio.to_thread(
        prune_old_articles, services.store, services.settings.keep_days, datetime.now(UTC)
    )


async def _post_stop(application: Application) -> None:
    task: asyncio.Task | None = application.bot_data.pop(WORKER_TASK_KEY, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _post_shutdown(application: Application) -> None:
    services: Services = application.bot_data[SERVICES_KEY]
    if reporter := application.bot_data.pop(ERROR_CHAT_KEY, None):
        logging.getLogger().removeHandler(reporter)
    # The bot's connections are closed by now, so no push of this process can follow the release.
    await asyncio.to_thread(PushLease.for_settings(services.store, services.settings).release)
    services.store.close()
