"""The `error_chat` setting: every unexpected error (one logged with its exception, by a
handler, a push, the worker, a tick) is also sent to that chat, once per cause
(bot.app.incidents says what a cause is and what is redacted).

A logging handler on the root logger sees the errors wherever they are logged, threads
included; it hands the report to the bot's event loop, which sends it. A report that cannot be
sent is logged as a warning without its exception, so it never reports itself.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.app.incidents import IncidentLog, incident_of
from bot.render.replies import error_report

log = logging.getLogger(__name__)


class ErrorChatHandler(logging.Handler):
    """Sends each new cause of an error logged with an exception to `chat_id`."""

    def __init__(
        self, bot: Bot, chat_id: int, loop: asyncio.AbstractEventLoop, secrets: list[str]
    ) -> None:
        super().__init__(level=logging.ERROR)
        self.bot = bot
        self.chat_id = chat_id
        self.loop = loop
        self.secrets = secrets
        self.incidents = IncidentLog()
        self._sending: set[asyncio.Task] = set()

    def emit(self, record: logging.LogRecord) -> None:
        error = record.exc_info[1] if record.exc_info else None
        if error is None or record.name == __name__:
            return
        try:
            incident = incident_of(error, record.getMessage(), self.secrets)
            if not self.incidents.first_time(incident):
                return
            text = error_report(
                kind=incident.kind,
                where=incident.where,
                detail=incident.detail,
                context=incident.context,
            )
            self.loop.call_soon_threadsafe(self._start, text)
        except RuntimeError:  # the loop is closed: the bot is stopping
            return
        except Exception:
            self.handleError(record)

    def _start(self, text: str) -> None:
        task = self.loop.create_task(self._send(text))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _send(self, text: str) -> None:
        try:
            await self.bot.send_message(self.chat_id, text, parse_mode=ParseMode.HTML)
        except TelegramError as exc:
            log.warning("could not tell error_chat %d of an error: %s", self.chat_id, exc)
