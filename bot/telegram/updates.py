"""How incoming updates are processed: chats concurrently, each chat's updates in order.

python-telegram-bot hands every update to an update processor. Its default processes one update
at a time, so a slow link fetch or digest in one chat held up every other chat; its
`SimpleUpdateProcessor` runs updates concurrently but lets a chat's second message overtake its
first. `ChatOrderedUpdateProcessor` does both: an update waits only for the updates of its own
chat that arrived before it (a chain of events per chat, dropped when the chat goes idle), then
runs, at most `max_running` at a time. Each command gets its log line (bot.telegram.commandlog).

The base class holds its semaphore while an update waits for its chat's turn, so that semaphore
is made wide (`MAX_WAITING_UPDATES`) and `max_running` bounds the updates actually running: a
chat with many queued updates never takes all the running slots from the other chats.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.telegram.commandlog import handle_logged

MAX_WAITING_UPDATES = 10_000  # updates accepted (waiting or running) before getUpdates pauses


class ChatOrderedUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently (at most `max_running` at once); updates of
    one chat run one after the other, in the order they arrived."""

    def __init__(self, max_running: int) -> None:
        super().__init__(MAX_WAITING_UPDATES)
        if max_running < 1:
            raise ValueError("max_running must be at least 1")
        self._running = asyncio.BoundedSemaphore(max_running)
        self._last_of_chat: dict[int, asyncio.Event] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the update once the earlier updates of its chat are done."""
        chat_id = _chat_id(update)
        if chat_id is None:
            async with self._running:
                await handle_logged(update, coroutine)
            return
        # No await before this point: updates register in the order PTB started their tasks.
        earlier = self._last_of_chat.get(chat_id)
        done = self._last_of_chat[chat_id] = asyncio.Event()
        started = False
        try:
            if earlier is not None:
                await earlier.wait()
            async with self._running:
                started = True
                await handle_logged(update, coroutine)
        finally:
            done.set()
            if self._last_of_chat.get(chat_id) is done:
                del self._last_of_chat[chat_id]
            if not started and isinstance(coroutine, Coroutine):
                coroutine.close()  # cancelled while waiting: never to run

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB awaits the updates in progress before shutting down."""


def _chat_id(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None
