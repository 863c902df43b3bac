"""The one way digest messages and files reach Telegram (pushes, /digest answers, a digest as
a file), and what its faults mean, answered as a `SendOutcome` (bot.app.sending) instead of an
exception.

What Telegram answers, and what happens:
- pace: the application's rate limiter (bot.telegram.flood) spaces all sends under ~30/s and
  group sends under 20/min; here, the digest messages to one chat go at most one per second
  (`CHAT_INTERVAL_S`).
- 429 `RetryAfter`: the rate limiter waits a short `retry_after` and retries, `RATE_LIMIT_RETRIES`
  times, and fails a long one at once; if it still raises: RETRY_LATER (a push resumes at the
  same message on a later tick — never dropped).
- network error or timeout: re-sent after each of the `retry_delays_s`, then RETRY_LATER. A
  timeout or a dropped connection is an unknown outcome (Telegram may have delivered the
  message): the re-send can duplicate that one message, and each such case is logged. Likewise
  a crash can double only the messages in flight, at most one per concurrent delivery.
- 403 `Forbidden` (blocked, kicked, chat deleted): the chat is marked inactive, so its pushes
  stop: CHAT_GONE. Its subscriptions are kept, and any later message from it makes it active.
- 400 `BadRequest`: "message is too long" → the message re-split, an entity/tag error → the
  same text without markup: REPAIRED with that replacement (a push stores it, so a restart sends
  the same); any other refusal: REFUSED, with the error logged.
- 400 "message thread not found" (the forum topic a subscription was made in was deleted): the
  message is sent to the chat (its General topic) instead.
- `ChatMigrated` (a group became a supergroup): the chat's subscriptions move to the new id and
  the message is sent there; the outcome names the new id.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace

from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter

from bot.app.sending import Attachment, Buttons, SendOutcome, SendStatus
from bot.core.domain import RenderedMessage
from bot.metrics import UNCERTAIN_RESENDS
from bot.render.formatting import split_for_telegram, telegram_html_length, without_markup
from bot.store import Store
from bot.telegram.flood import RATE_LIMIT_RETRIES
from bot.telegram.keyboards import buttons_markup

log = logging.getLogger(__name__)

# About one message per second per chat: a chat's digest messages are spaced this much.
CHAT_INTERVAL_S = 1.0
MAX_PACED_CHATS = 1024  # past this many chats, those whose spacing is over are forgotten


class TelegramSender:
    """Sends digest messages to Telegram and maps its faults to outcomes (see the module)."""

    def __init__(self, bot: Bot, store: Store, retry_delays_s: Sequence[float]) -> None:
        self.bot = bot
        self.store = store
        self.retry_delays_s = tuple(retry_delays_s)
        self._next_send_at: dict[int, float] = {}  # chat id → loop time its next message may go

    async def send(
        self,
        chat_id: int,
        message: RenderedMessage,
        *,
        buttons: Buttons | None = None,
        thread_id: int | None = None,
        silent: bool = False,
        previews: bool = False,
        what: str = "a digest message",
    ) -> SendOutcome:
        """Send `message` (into the forum topic `thread_id`, if given; without a notification
        sound when `silent`; with the preview of its first link when `previews`); `what` names
        it in logs."""
        placement = _Placement(
            buttons_markup(buttons, list(message.articles)), thread_id, silent, previews
        )

        def attempt(chat: int, placement: _Placement) -> Awaitable[object]:
            return self.bot.send_message(
                chat,
                message.text,
                message_thread_id=placement.thread_id,
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=not placement.previews),
                disable_notification=placement.silent,
                reply_markup=placement.markup,
            )

        return await self._send(
            chat_id, placement, attempt, what, lambda chat, exc: _refused(chat, message, exc, what)
        )

    async def send_file(
        self,
        chat_id: int,
        attachment: Attachment,
        *,
        thread_id: int | None = None,
        what: str = "a file",
    ) -> SendOutcome:
        """Send `attachment` as a document (sendDocument), with the faults mapped as for a
        message; a refused file is not repaired."""

        def attempt(chat: int, placement: _Placement) -> Awaitable[object]:
            return self.bot.send_document(
                chat,
                InputFile(attachment.data, filename=attachment.name),
                caption=attachment.caption,
                message_thread_id=placement.thread_id,
            )

        def refused(chat: int, exc: BadRequest) -> SendOutcome:
            log.error("%s to chat %d refused by Telegram: %s", what, chat, exc)
            return SendOutcome(SendStatus.REFUSED, chat, error=str(exc))

        placement = _Placement(None, thread_id, silent=False, previews=False)
        return await self._send(chat_id, placement, attempt, what, refused)

    async def _send(
        self,
        chat_id: int,
        placement: _Placement,
        attempt: Callable[[int, _Placement], Awaitable[object]],
        what: str,
        refused: Callable[[int, BadRequest], SendOutcome],
    ) -> SendOutcome:
        """Make `attempt` (a send to the chat and placement it is given) succeed, or say why
        it did not."""
        while True:
            try:
                await self._send_with_retries(
                    chat_id, lambda chat, placement=placement: attempt(chat, placement), what
                )
                return SendOutcome(SendStatus.SENT, chat_id)
            except ChatMigrated as exc:
                log.info(
                    "chat %d became supergroup %d; moving its subscriptions",
                    chat_id, exc.new_chat_id,
                )  # fmt: skip
                await asyncio.to_thread(self.store.chats.move, chat_id, exc.new_chat_id)
                chat_id = exc.new_chat_id
            except RetryAfter as exc:
                log.warning(
                    "%s to chat %d: still flood-limited after %d waits (%s)",
                    what, chat_id, RATE_LIMIT_RETRIES + 1, exc,
                )  # fmt: skip
                return SendOutcome(SendStatus.RETRY_LATER, chat_id, error=str(exc))
            except Forbidden as exc:
                log.warning("chat %d refuses messages (%s); pushes stopped", chat_id, exc)
                await asyncio.to_thread(self.store.chats.set_active, chat_id, False)
                return SendOutcome(SendStatus.CHAT_GONE, chat_id, error=str(exc))
            except BadRequest as exc:
                if placement.thread_id is None or "thread not found" not in exc.message.lower():
                    return refused(chat_id, exc)
                log.warning(
                    "%s to chat %d: its forum topic %d is gone (%s); sent to the chat instead",
                    what, chat_id, placement.thread_id, exc,
                )  # fmt: skip
                placement = replace(placement, thread_id=None)
            except NetworkError as exc:  # retries exhausted; BadRequest was caught above
                log.warning(
                    "%s to chat %d: %s after %d retries",
                    what, chat_id, exc, len(self.retry_delays_s),
                )  # fmt: skip
                return SendOutcome(SendStatus.RETRY_LATER, chat_id, error=str(exc))

    async def _send_with_retries(
        self, chat_id: int, attempt: Callable[[int], Awaitable[object]], what: str
    ) -> None:
        """Make `attempt` (one send) at the chat's pace; after a network error or timeout wait
        and send again, once per retry delay, then raise the last error.

        Only a failure whose request may have reached Telegram (a timeout, a dropped connection)
        can make a re-send a duplicate; it is logged as an unknown outcome. Telegram's answers
        (429, 403, 400, migration) are raised at once: the rate limiter already waited out 429s.
        """
        await self._pace(chat_id)
        for tries, delay in enumerate((*self.retry_delays_s, None)):
            try:
                await attempt(chat_id)
                return
            except BadRequest:
                raise
            except NetworkError as exc:
                if delay is None:
                    raise
                log.warning(
                    "%s to chat %d, attempt %d: %s; outcome unknown (the message may have "
                    "arrived, so the re-send in %.1f s may show it twice)",
                    what, chat_id, tries + 1, exc, delay,
                )  # fmt: skip
                UNCERTAIN_RESENDS.inc()
                await asyncio.sleep(delay)

    async def _pace(self, chat_id: int) -> None:
        """Wait for the chat's turn: `CHAT_INTERVAL_S` after its previous digest message."""
        now = asyncio.get_running_loop().time()
        turn = max(self._next_send_at.get(chat_id, now), now)
        self._next_send_at[chat_id] = turn + CHAT_INTERVAL_S
        if len(self._next_send_at) > MAX_PACED_CHATS:
            self._next_send_at = {c: t for c, t in self._next_send_at.items() if t > now}
        await asyncio.sleep(turn - now)


@dataclass(frozen=True)
class _Placement:
    """Where and how a message goes: its buttons, forum topic, sound and link preview."""

    markup: InlineKeyboardMarkup | None
    thread_id: int | None
    silent: bool
    previews: bool


def _refused(chat_id: int, message: RenderedMessage, error: BadRequest, what: str) -> SendOutcome:
    """The outcome of a message Telegram refused: its repair, if one would help."""
    repaired = repair_refused(message.text, error.message)
    if repaired is None:
        log.error("%s to chat %d refused by Telegram: %s", what, chat_id, error)
        return SendOutcome(SendStatus.REFUSED, chat_id, error=str(error))
    log.warning(
        "%s refused (%s); sending it as %d %s message(s) instead",
        what, error, len(repaired), "shorter" if len(repaired) > 1 else "plain",
    )  # fmt: skip
    first, *others = repaired
    replacement = (RenderedMessage(first, message.articles), *map(RenderedMessage, others))
    return SendOutcome(SendStatus.REPAIRED, chat_id, replacement, error=str(error))


def repair_refused(text: str, reason: str) -> list[str] | None:
    """What to send instead of a message Telegram refused, or None if nothing would help.

    "message is too long" → the message re-split at three quarters of its length; an entity or
    tag error → the same text without markup. A message that is already plain or cannot be split
    further is not repaired.
    """
    reason = reason.lower()
    if "too long" in reason:
        pieces = split_for_telegram([text], limit=max(telegram_html_length(text) * 3 // 4, 1))
        return pieces if len(pieces) > 1 else None
    if "entit" in reason or "tag" in reason or "parse" in reason:
        plain = without_markup(text)
        return [plain] if plain != text and plain.strip() else None
    return None
