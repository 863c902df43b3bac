"""The real application (handlers, update processing, rate limiter) in the test's event loop,
long-polling the fake Bot API, with the fast fake models: handler-level tests at unit-test speed.

The end-to-end tests start the real `digestbot run` process instead; use those for what only a
process shows (start-up, restarts, the real model).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram import Update
from telegram.ext import Application

from bot.app.services import Services
from bot.config import Settings
from bot.sandbox.fakebot import FakeBotAPI, SentMessage
from bot.store import Store
from bot.telegram.application import build_application
from tests.fakes import FakeSummarizer


class LiveBot:
    """A running application and the fake it talks to; waits never block the event loop."""

    def __init__(self, fake: FakeBotAPI, application: Application, services: Services) -> None:
        self.fake = fake
        self.application = application
        self.services = services

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        await asyncio.to_thread(self.fake.wait_for, predicate, timeout)

    async def send_and_wait(
        self, chat_id: int, text: str, count: int = 1, timeout: float = 10.0, **kw: Any
    ) -> list[SentMessage]:
        return await asyncio.to_thread(self.fake.send_and_wait, chat_id, text, count, timeout, **kw)

    async def answer_to(self, update_id: int, timeout: float = 10.0) -> dict[str, Any]:
        """The answerCallbackQuery parameters of a button press, once the bot answered it."""
        await self.wait_for(lambda: self.fake.callback_answer(update_id) is not None, timeout)
        return self.fake.callback_answer(update_id)


@asynccontextmanager
async def live_bot(
    fake: FakeBotAPI, store: Store, matcher, **settings: Any
) -> AsyncIterator[LiveBot]:
    """Start the bot's application against `fake` with these settings; stop it on exit."""
    values: dict[str, Any] = {
        "telegram_bot_token": fake.token,
        "telegram_api_url": f"{fake.url}/bot",
        "telegram_file_url": f"{fake.url}/file/bot",
        "poll_timeout_s": 1,
        "scheduler_tick_s": 3600,
        "feed_tick_s": 3600,
        "arrival_settle_s": 0,
    }
    values.update(settings)
    services = Services(
        settings=Settings(**values), store=store, summarizer=FakeSummarizer(), matcher=matcher
    )
    application = build_application(services)
    await application.initialize()
    await application.post_init(application)
    await application.updater.start_polling(
        poll_interval=0, timeout=1, allowed_updates=Update.ALL_TYPES
    )
    await application.start()
    try:
        yield LiveBot(fake, application, services)
    finally:
        await application.updater.stop()
        await application.stop()
        await application.post_stop(application)
        await application.shutdown()
