"""One log line per command: chat, user, command, outcome and milliseconds.

The update processor (bot.telegram.updates) runs each update through `handle_logged`, which
times it and, for a command, logs one line once every handler is done. Its outcome is "ok"
unless a handler said otherwise: the access gate "refused", the error handler "error" with the
error's kind. The fields also go to the record as `extra`, so `log_format = "json"` has them
as keys.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update

log = logging.getLogger(__name__)

_outcomes: dict[int, str] = {}  # update id → outcome, set by a handler while it runs


def command_of(update: object) -> str | None:
    """The command an update's message starts with ("/digest"; a "@botname" dropped), None
    when it is no command."""
    if not isinstance(update, Update) or update.effective_message is None:
        return None
    text = update.effective_message.text or ""
    if not text.startswith("/") or len(text) < 2:
        return None
    return text.split(maxsplit=1)[0].split("@", 1)[0].lower()


def set_outcome(update: object, outcome: str) -> None:
    """Tell the command's log line how it ended (when `update` is a command)."""
    if command_of(update) is not None:
        _outcomes[update.update_id] = outcome


async def handle_logged(update: object, handling: Awaitable[Any]) -> None:
    """Await the update's handling; log the line if it was a command."""
    started = time.perf_counter()
    try:
        await handling
    finally:
        command = command_of(update)
        if command is not None:
            ms = round((time.perf_counter() - started) * 1000)
            outcome = _outcomes.pop(update.update_id, "ok")
            chat = update.effective_chat.id if update.effective_chat else None
            user = update.effective_user.id if update.effective_user else None
            log.info(
                "command %s chat %s user %s: %s in %d ms", command, chat, user, outcome, ms,
                extra={"chat_id": chat, "user_id": user, "command": command,
                       "outcome": outcome, "ms": ms},
            )  # fmt: skip
