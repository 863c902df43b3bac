"""One log line per command: chat, user, command, outcome and milliseconds.

The update processor (bot.telegram.updates) runs each update through `handle_logged`, which
times and counts it (`bot.metrics.observe_update`) and, for a command, logs one line once every
handler is done. The outcome is the metrics' own: "handled" (a polite refusal by a handler
included), "refused" (the access gate) or "failed" (a handler raised; the error handler logged
the error just before). The fields also go to the record as `extra`, so `log_format = "json"`
has them as keys.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable
from typing import Any

from telegram import Update

from bot.metrics import observe_update

log = logging.getLogger(__name__)


def command_of(update: object) -> str | None:
    """The command an update's message starts with ("/digest"; a "@botname" dropped), None
    when it is no command."""
    if not isinstance(update, Update) or update.effective_message is None:
        return None
    text = update.effective_message.text or ""
    if not text.startswith("/") or len(text) < 2:
        return None
    return text.split(maxsplit=1)[0].split("@", 1)[0].lower()


async def handle_logged(update: object, handling: Awaitable[Any]) -> None:
    """Await the update's handling, observed for the metrics; log the line if it was a
    command."""
    started = time.perf_counter()
    outcome = ["failed"]  # until the observation says otherwise
    try:
        with observe_update() as outcome:
            await handling
    finally:
        if (command := command_of(update)) is not None:
            ms = round((time.perf_counter() - started) * 1000)
            chat = update.effective_chat.id if update.effective_chat else None
            user = update.effective_user.id if update.effective_user else None
            log.info(
                "command %s chat %s user %s: %s in %d ms", command, chat, user, outcome[0], ms,
                extra={"chat_id": chat, "user_id": user, "command": command,
                       "outcome": outcome[0], "ms": ms},
            )  # fmt: skip
