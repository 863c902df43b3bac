"""FakeBotAPI: a fake Telegram Bot API server on 127.0.0.1 for tests, run in a background thread.

Covers what digestbot's bot uses, with Telegram's answers and error texts: getMe, setWebhook,
deleteWebhook, getWebhookInfo (webhook mode: the test posts updates to the webhook URLs, see
webhook.py), logOut/close, getUpdates with real long polling (offset, limit,
allowed_updates, 409 when a second poller starts), sendMessage/editMessageText/
editMessageReplyMarkup with Telegram-HTML parsing and the 4096 UTF-16 limit, deleteMessage,
answerCallbackQuery (text up to 200 characters), set/get/deleteMyCommands,
set/getChatMenuButton, sendChatAction, sendDocument, getFile and file downloads, getChat,
getChatMember (in groups and channels), getChatAdministrators.
Injected faults (429, 403, 400, 500, group migration, hang, dropped connection, and failures after
the call took effect) and optional flood limits.

Not covered: webhook delivery on the fake's own initiative, inline mode, payments, media other
than documents, Markdown parse modes (refused with 400), forum topic management, message
reactions, business connections, and any method not listed (404, which python-telegram-bot
reports as InvalidToken).

Usage (synchronous, thread-safe)::

    with FakeBotAPI() as fake:
        # start the bot with base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot"
        fake.send_text(42, "/start")
        [reply] = fake.wait_for_messages(42, 1)
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any, Self

from aiohttp import web

from bot.sandbox.fakebot import updates, webhook
from bot.sandbox.fakebot.app import FakeBotApp
from bot.sandbox.fakebot.records import (
    FAULT_KINDS,
    ApiCall,
    ChatType,
    Fault,
    FaultKind,
    RateLimits,
    SentMessage,
)
from bot.sandbox.fakebot.state import BotState
from bot.sandbox.fakebot.webhook import WebhookPost

DEFAULT_TOKEN = "123456789:AAF-fake-token-for-digestbot-tests"
DEFAULT_WAIT_S = 5.0
WEBHOOK_SECRET = object()  # post_updates' default: the secret the last setWebhook gave


class FakeBotAPI:
    """A fake Bot API server for one bot. Start with ``with FakeBotAPI() as fake:``."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "digest_test_bot",
        bot_first_name: str = "Digest Test Bot",
        strict_html: bool = True,
        enforce_limits: bool = False,
        limits: RateLimits | None = None,
    ) -> None:
        self._state = BotState(
            token,
            username=bot_username,
            first_name=bot_first_name,
            strict_html=strict_html,
            enforce_limits=enforce_limits,
            limits=limits or RateLimits(),
        )
        self._app = FakeBotApp(self._state)
        self._state.on_new_update = self._app.wake_pollers
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._port = 0

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self, timeout_s: float = 10.0) -> Self:
        self._thread = threading.Thread(target=self._serve, name="fake-bot-api", daemon=True)
        self._thread.start()
        if not self._ready.wait(timeout_s):
            raise TimeoutError(f"fake Bot API did not start within {timeout_s} s")
        if self._startup_error is not None:
            raise RuntimeError("fake Bot API failed to start") from self._startup_error
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        if self._thread is None or self._loop is None:
            return
        self._app.close()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout_s)
        self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        runner = web.AppRunner(
            self._app.build(), handler_cancellation=True, shutdown_timeout=1.0, access_log=None
        )
        try:
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            loop.run_until_complete(site.start())
            self._port = runner.addresses[0][1]
        except BaseException as error:  # reported to start() in the test thread
            self._startup_error = error
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            loop.close()

    # -- identity ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``; the bot's base_url is ``f"{url}/bot"``."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def bot_user(self) -> dict[str, Any]:
        return dict(self._state.bot_user)

    # -- what users do -----------------------------------------------------------------------------

    def send_text(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        username: str | None = None,
        first_name: str = "Tester",
        title: str | None = None,
        reply_to_message_id: int | None = None,
        message_thread_id: int | None = None,
        language_code: str | None = None,
    ) -> int:
        """A user writes ``text`` in the chat; returns the update_id.

        ``user_id`` defaults to the chat id in private chats and to 4242 in groups;
        ``language_code`` is the language of the user's Telegram app (none if not given).
        """
        return updates.user_message(
            self._state, chat_id, text=text, user_id=user_id, chat_type=chat_type,
            username=username, first_name=first_name, title=title,
            reply_to_message_id=reply_to_message_id, message_thread_id=message_thread_id,
            language_code=language_code,
        )  # fmt: skip

    def send_document(
        self,
        chat_id: int,
        file_name: str,
        data: bytes,
        *,
        mime_type: str = "application/octet-stream",
        caption: str | None = None,
        user_id: int | None = None,
        chat_type: ChatType = "private",
        username: str | None = None,
        first_name: str = "Tester",
        title: str | None = None,
    ) -> int:
        """A user sends a file (`file_name` "": one without a name); getFile and the download
        route serve it. Returns the update_id."""
        return updates.user_message(
            self._state, chat_id, document=(file_name, data, mime_type), caption=caption,
            user_id=user_id, chat_type=chat_type, username=username, first_name=first_name,
            title=title,
        )  # fmt: skip

    def press_button(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        *,
        user_id: int | None = None,
        strict: bool = True,
    ) -> int:
        """A user presses an inline button of a bot message; returns the update_id.

        With ``strict`` (default) the message must currently carry a button with that data.
        """
        return updates.callback_query(
            self._state, chat_id, message_id, callback_data, user_id=user_id, strict=strict
        )

    def channel_post(
        self, chat_id: int, text: str, *, title: str | None = None, username: str | None = None
    ) -> int:
        """A post appears in a channel the bot is in; returns the update_id."""
        return updates.channel_post(self._state, chat_id, text, title=title, username=username)

    def add_chat(
        self,
        chat_id: int,
        chat_type: ChatType = "private",
        *,
        title: str | None = None,
        username: str | None = None,
    ) -> None:
        """Make a chat known without a message (the bot may then send to it)."""
        self._state.add_chat(chat_id, chat_type, title, username)

    def set_admins(
        self, chat_id: int, admin_ids: list[int], *, owner_id: int | None = None
    ) -> None:
        """Configure getChatMember/getChatAdministrators for a chat (the bot's id may be listed)."""
        with self._state.lock:
            self._state.admins[chat_id] = (owner_id, list(admin_ids))

    def block(self, chat_id: int, description: str | None = None) -> None:
        """From now on every send to the chat answers 403 (the user blocked the bot)."""
        with self._state.lock:
            private = chat_id > 0
            self._state.blocked[chat_id] = description or (
                "Forbidden: bot was blocked by the user"
                if private
                else "Forbidden: bot was kicked from the group chat"
            )

    def unblock(self, chat_id: int) -> None:
        with self._state.lock:
            self._state.blocked.pop(chat_id, None)

    # -- what the bot did --------------------------------------------------------------------------

    def messages(self, chat_id: int | None = None) -> list[SentMessage]:
        """Copies of the bot's messages (one chat or all), edits applied, deleted ones flagged."""
        return self._state.snapshot(chat_id)

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Copies of every API call received, in order (optionally of one method)."""
        with self._state.lock:
            return [copy.deepcopy(c) for c in self._state.calls if method in (None, c.method)]

    @property
    def commands(self) -> list[dict[str, Any]] | None:
        """The bot's commands for the default scope and language as Telegram now has them (set
        by the last setMyCommands; None if never set or deleted). See calls() for other scopes."""
        return self.commands_in("")

    def commands_in(self, language_code: str) -> list[dict[str, Any]] | None:
        """The bot's commands for the default scope as users whose Telegram speaks
        ``language_code`` see them set ("": for every other user)."""
        key = self._state.commands_key({"language_code": language_code})
        with self._state.lock:
            return copy.deepcopy(self._state.commands.get(key))

    def callback_answer(self, update_id: int) -> dict[str, Any] | None:
        """The answerCallbackQuery parameters for the press that made update ``update_id``."""
        with self._state.lock:
            query_id = self._state.callback_queries[update_id]
            return copy.deepcopy(self._state.callback_answers[query_id])

    def user_messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Copies of the messages users sent in a chat (channel posts too), as the bot gets them,
        oldest first; those the bot deleted are gone."""
        with self._state.lock:
            found = [m for (chat, _), m in self._state.incoming.items() if chat == chat_id]
            return copy.deepcopy(sorted(found, key=lambda m: m["message_id"]))

    @property
    def webhook(self) -> dict[str, Any] | None:
        """The webhook as the last setWebhook set it (url, secret_token, max_connections,
        allowed_updates); None when none is set."""
        with self._state.lock:
            return copy.deepcopy(self._state.webhook)

    def post_updates(
        self,
        deliveries: list[tuple[int, str]],
        *,
        secret: str | None | object = WEBHOOK_SECRET,
        concurrency: int = 32,
        timeout_s: float = 120.0,
    ) -> list[WebhookPost]:
        """POST updates to webhook URLs as Telegram delivers them: each (update_id, url) of
        ``deliveries`` (an update may be posted twice, to several URLs), at most
        ``concurrency`` at once, with the webhook's secret in the header unless ``secret`` is
        given (None: no header). Returns each POST with its HTTP status, in ``deliveries``'
        order; an update answered 2xx is no longer pending."""
        if secret is WEBHOOK_SECRET:
            secret = (self.webhook or {}).get("secret_token")
        assert self._loop is not None, "the fake Bot API is not running"
        posting = webhook.post_updates(self._state, list(deliveries), secret, concurrency)
        return asyncio.run_coroutine_threadsafe(posting, self._loop).result(timeout_s)

    def webhook_posts(self) -> list[WebhookPost]:
        """Every POST to a webhook so far, in the order they were answered."""
        with self._state.lock:
            return list(self._state.webhook_posts)

    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (getUpdates offset)."""
        with self._state.lock:
            return copy.deepcopy(self._state.updates)

    # -- waiting -----------------------------------------------------------------------------------

    def wait_for(
        self, predicate: Callable[[], bool], timeout: float = DEFAULT_WAIT_S, what: str = ""
    ) -> None:
        """Block until ``predicate()`` is true; it is re-checked whenever the fake's state
        changes. Raises TimeoutError after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._state.changed:
            while not predicate():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    waited_for = what or repr(predicate)
                    raise TimeoutError(f"timed out after {timeout} s waiting for {waited_for}")
                self._state.changed.wait(remaining)

    def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = DEFAULT_WAIT_S
    ) -> list[SentMessage]:
        """Block until the bot has sent at least ``count`` messages to the chat; return them all."""
        try:
            self.wait_for(lambda: len(self._state.snapshot(chat_id)) >= count, timeout)
        except TimeoutError:
            texts = [m.plain_text for m in self.messages(chat_id)]
            raise TimeoutError(
                f"chat {chat_id}: expected {count} bot messages within {timeout} s, got {texts}"
            ) from None
        return self.messages(chat_id)

    def send_and_wait(
        self, chat_id: int, text: str, count: int = 1, timeout: float = DEFAULT_WAIT_S, **kw: Any
    ) -> list[SentMessage]:
        """send_text, then wait for ``count`` new bot messages in that chat and return them."""
        before = len(self._state.snapshot(chat_id))
        self.send_text(chat_id, text, **kw)
        return self.wait_for_messages(chat_id, before + count, timeout)[before:]

    # -- faults ------------------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        kind: FaultKind,
        times: int = 1,
        chat_id: int | str | None = None,
        *,
        retry_after: int = 1,
        description: str | None = None,
        migrate_to_chat_id: int | None = None,
        hang_s: float = 30.0,
    ) -> None:
        """Make the next ``times`` calls of ``method`` (to ``chat_id`` if given) fail without
        effect. Kinds: "429" (retry_after), "403", "400" (description), "500", "migrate"
        (migrate_to_chat_id), "timeout" (no answer for hang_s, then 502), "drop" (connection
        closed without an answer)."""
        self._add_fault(
            Fault(method, kind, times, chat_id, retry_after, description, migrate_to_chat_id,
                  hang_s, after_processing=False)
        )  # fmt: skip

    def process_then_fail(
        self,
        method: str,
        kind: FaultKind = "drop",
        times: int = 1,
        chat_id: int | str | None = None,
        *,
        retry_after: int = 1,
        description: str | None = None,
        hang_s: float = 30.0,
    ) -> None:
        """Like fail_next, but the call takes effect first (the message IS recorded) and only
        the answer is lost or wrong: the unknown-outcome case for at-least-once delivery."""
        self._add_fault(
            Fault(method, kind, times, chat_id, retry_after, description, None, hang_s,
                  after_processing=True)
        )  # fmt: skip

    def clear_faults(self) -> None:
        with self._state.lock:
            self._app.faults.clear()

    def _add_fault(self, fault: Fault) -> None:
        if fault.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; use one of {sorted(FAULT_KINDS)}")
        if fault.kind == "migrate" and fault.migrate_to_chat_id is None:
            raise ValueError('kind "migrate" needs migrate_to_chat_id')
        with self._state.lock:
            self._app.faults.append(fault)
