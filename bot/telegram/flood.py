"""Telegram's pace for everything the bot sends, where one chat's flood wait stalls only that chat.

python-telegram-bot's `AIORateLimiter` spaces requests under Telegram's rates and sits out a 429
(`RetryAfter`) by pausing *every* request for `retry_after` seconds before retrying. One chat
flood-limited for 60 s then froze every other chat's replies for a minute. `FloodLimiter` keeps
PTB's pacing and changes what a 429 does:

- a wait of at most `MAX_SHARED_WAIT_S` is sat out as PTB does (everything pauses that long,
  then the request is retried, up to `max_retries` times): short waits are how Telegram smooths
  bursts, and pausing is the polite answer;
- a longer wait fails that request at once with its `RetryAfter` (logged), and later requests
  to the same chat fail the same way without reaching Telegram until the wait is over; other
  chats carry on. A reply is then lost (the log says which), a pushed digest resumes on a later
  tick (bot.telegram.sender).

Requests that post nothing into a chat (reading a chat or a member, the "typing…" action,
answering a button press) are not paced: Telegram's message rates do not count them, and a
button press in a group must not queue behind the group's 20 messages a minute.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from bot.metrics import note_flood_wait, telegram_call

log = logging.getLogger(__name__)

MAX_SHARED_WAIT_S = 5.0
RATE_LIMIT_RETRIES = 3  # short flood waits sat out before RetryAfter is raised
# Telegram counts about 30 messages/s overall and 20/min per group over sliding windows. PTB's
# limiter is a leaky bucket that lets a full bucket through at once, which overshoots a sliding
# window (and each 429 then pauses every request), so the bucket here holds one message:
# evenly spaced sends, a little under the cap to absorb jitter on the way.
OVERALL_PER_S = 29
GROUP_PER_MIN = 19
UNPACED_METHODS = frozenset(
    {"getChat", "getChatMember", "getChatAdministrators", "sendChatAction", "answerCallbackQuery"}
)


class FloodLimiter(AIORateLimiter):
    """PTB's `AIORateLimiter` (same arguments) whose long flood waits stall only their chat."""

    def __init__(self, *, max_shared_wait_s: float = MAX_SHARED_WAIT_S, **limits: Any) -> None:
        super().__init__(**limits)
        self._max_shared_wait_s = max_shared_wait_s
        self._flooded_until: dict[str | None, float] = {}  # chat id → loop time the wait ends

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        """Send the request at Telegram's pace; RetryAfter at once while its chat must wait."""
        chat = None if data.get("chat_id") is None else str(data["chat_id"])
        loop = asyncio.get_running_loop()
        remaining = self._flooded_until.get(chat, 0.0) - loop.time()
        if remaining > 0:
            raise RetryAfter(math.ceil(remaining))
        self._flooded_until.pop(chat, None)

        async def failing_long_waits(*call_args: Any, **call_kwargs: Any) -> Any:
            try:
                with telegram_call(endpoint):
                    return await callback(*call_args, **call_kwargs)
            except RetryAfter as exc:
                note_flood_wait(retry_after_s(exc), chat_only=self._chat_only(exc))
                if self._chat_only(exc):
                    raise _LongWait(exc) from None  # not a RetryAfter: PTB does not sit it out
                raise

        paced = data if endpoint not in UNPACED_METHODS else {}
        try:
            return await super().process_request(
                failing_long_waits, args, kwargs, endpoint, paced, rate_limit_args
            )
        except _LongWait as long_wait:
            wait_s = retry_after_s(long_wait.error)
            self._flooded_until[chat] = loop.time() + wait_s
            log.warning(
                "Telegram asks to wait %.0f s before %s to chat %s: failed at once instead, and "
                "that chat's requests fail until then (other chats go on)",
                wait_s, endpoint, chat,
            )  # fmt: skip
            raise long_wait.error from None

    def _chat_only(self, error: RetryAfter) -> bool:
        """Whether the wait is too long to pause every chat for: it stalls only its chat."""
        return retry_after_s(error) > self._max_shared_wait_s


def rate_limiter() -> FloodLimiter:
    """The limiter as the bot uses it: Telegram's overall and per-group rates, and
    `RATE_LIMIT_RETRIES` waits of a short `retry_after` on a 429 before `RetryAfter` is raised."""
    return FloodLimiter(
        overall_max_rate=1,
        overall_time_period=1 / OVERALL_PER_S,
        group_max_rate=1,
        group_time_period=60 / GROUP_PER_MIN,
        max_retries=RATE_LIMIT_RETRIES,
    )


def retry_after_s(error: RetryAfter) -> float:
    """The wait a RetryAfter asks for, in seconds."""
    value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class _LongWait(Exception):
    """A RetryAfter too long to pause every chat for, carried past PTB's retry loop."""

    def __init__(self, error: RetryAfter) -> None:
        super().__init__(str(error))
        self.error = error
