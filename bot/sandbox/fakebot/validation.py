"""What Telegram refuses before a call takes effect: bad text, markup and commands, and floods.

Flood control keeps sliding windows of send times: one over all chats (``global_per_s`` in the
last second) and one per chat (``private_chat_per_s`` in the last second for private chats,
``group_per_min`` in the last minute for the others). A send over a limit is refused with 429 and
``retry_after`` = seconds until the oldest send in the full window leaves it. Telegram's real
limits are fuzzier (short bursts pass); this is the documented envelope.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from typing import Any

from bot.sandbox.fakebot.html import EntityParseError, parse_html, utf16_len
from bot.sandbox.fakebot.records import ApiError, RateLimits

MAX_TEXT_UTF16 = 4096
MAX_CAPTION_UTF16 = 1024
_COMMAND_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")


def formatted_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None, strict_html: bool
) -> tuple[str, list[dict[str, Any]]]:
    """Plain text and entities as Telegram derives them, leading/trailing whitespace cut."""
    if not parse_mode:
        plain, found = text, list(entities or [])
    elif parse_mode.lower() == "html":
        try:
            plain, found = parse_html(text, strict=strict_html)
        except EntityParseError as error:
            raise ApiError(400, f"Bad Request: can't parse entities: {error}") from None
    elif parse_mode.lower() in ("markdown", "markdownv2"):
        raise ApiError(400, f"Bad Request: the fake Bot API does not parse {parse_mode}")
    else:
        raise ApiError(400, f"Bad Request: unsupported parse_mode {parse_mode}")
    stripped = plain.strip()
    if stripped == plain:
        return plain, found
    cut = utf16_len(plain) - utf16_len(plain.lstrip())
    end = utf16_len(stripped)
    kept = []
    for entity in found:
        start = max(entity["offset"] - cut, 0)
        stop = min(entity["offset"] + entity["length"] - cut, end)
        if stop > start:
            kept.append(entity | {"offset": start, "length": stop - start})
    return stripped, kept


def checked_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None, strict_html: bool
) -> tuple[str, list[dict[str, Any]]]:
    """formatted_text for a message text, which must be non-empty and within 4096 units."""
    plain, found = formatted_text(text, parse_mode, entities, strict_html)
    if not plain:
        raise ApiError(400, "Bad Request: message text is empty")
    if utf16_len(plain) > MAX_TEXT_UTF16:
        raise ApiError(400, "Bad Request: message is too long")
    return plain, found


def checked_markup(markup: Any) -> dict[str, Any] | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode("utf-8")) <= 64:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise ApiError(400, "Bad Request: inline keyboard button text is empty")
    return markup


def checked_commands(commands: Any) -> list[dict[str, Any]]:
    if not isinstance(commands, list) or len(commands) > 100:
        raise ApiError(400, "Bad Request: commands must be a list of at most 100 BotCommand")
    for command in commands:
        name = command.get("command", "")
        if not 1 <= len(name) <= 32 or not set(name) <= _COMMAND_CHARS:
            raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
        if not 1 <= len(command.get("description", "")) <= 256:
            raise ApiError(400, "Bad Request: command description must be 1-256 characters")
    return commands


class FloodControl:
    """Sliding-window flood limits for sends (see the module docstring)."""

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits
        self._lock = threading.Lock()
        self._sends: dict[int | None, deque[float]] = defaultdict(deque)

    def admit(self, chat_id: int, *, private: bool) -> None:
        """Count a send to ``chat_id`` or raise the 429 Telegram would answer."""
        if private:
            chat_window = (chat_id, 1.0, self.limits.private_chat_per_s)
        else:
            chat_window = (chat_id, 60.0, self.limits.group_per_min)
        with self._lock:
            now = time.monotonic()
            for key, span_s, cap in ((None, 1.0, self.limits.global_per_s), chat_window):
                sends = self._sends[key]
                while sends and sends[0] <= now - span_s:
                    sends.popleft()
                if len(sends) >= cap:
                    retry_after = max(1, int(sends[0] + span_s - now + 0.999))
                    description = f"Too Many Requests: retry after {retry_after}"
                    raise ApiError(429, description, {"retry_after": retry_after})
            self._sends[None].append(now)
            self._sends[chat_id].append(now)
