"""The fake's HTTP surface: aiohttp routes, parameter decoding, long polling, injected faults.

Requests arrive as JSON, form-urlencoded or multipart bodies (python-telegram-bot 22.8 sends
form-urlencoded with every non-string value JSON-encoded, and multipart when a file is attached),
or as a query string. Parameters are decoded by name into the types the Bot API documents.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import web

from bot.sandbox.fakebot import webhook
from bot.sandbox.fakebot.methods import METHODS
from bot.sandbox.fakebot.records import ApiCall, ApiError, Fault, UploadedFile
from bot.sandbox.fakebot.state import BotState

MAX_POLL_TIMEOUT_S = 50.0
MAX_UPLOAD_BYTES = 60 * 1024 * 1024
_JSON_FIELDS = frozenset(
    {
        "reply_markup", "reply_parameters", "link_preview_options", "entities",
        "caption_entities", "commands", "scope", "allowed_updates", "menu_button",
    }
)  # fmt: skip
_INT_FIELDS = frozenset(
    {
        "chat_id", "message_id", "offset", "limit", "timeout", "user_id", "reply_to_message_id",
        "message_thread_id", "cache_time", "from_chat_id",
    }
)  # fmt: skip
_BOOL_FIELDS = frozenset(
    {
        "disable_notification", "show_alert", "protect_content", "allow_sending_without_reply",
        "disable_web_page_preview", "drop_pending_updates", "disable_content_type_detection",
    }
)  # fmt: skip
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)


def decode_value(name: str, value: str) -> Any:
    """Turn a form or query value into the type the Bot API documents for ``name``."""
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            raise ApiError(400, f"Bad Request: can't parse {name} JSON object") from None
    if name in _INT_FIELDS:
        try:
            return int(value)
        except ValueError:
            return value  # "@channelusername"
    if name in _BOOL_FIELDS:
        return value.lower() in ("true", "1")
    return value


async def read_params(request: web.Request) -> dict[str, Any]:
    raw: dict[str, Any] = dict(request.query)
    if request.method == "POST" and request.body_exists:
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ApiError(400, "Bad Request: request body must be a JSON object")
            raw.update(body)
        else:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    raw[name] = UploadedFile(value.filename, value.content_type, value.file.read())
                else:
                    raw[name] = value
    params = {k: decode_value(k, v) if isinstance(v, str) else v for k, v in raw.items()}
    for name, value in params.items():  # multipart uploads may be referenced as attach://name
        if isinstance(value, str) and value.startswith("attach://"):
            params[name] = raw.get(value.removeprefix("attach://"), value)
    return params


class FakeBotApp:
    """Serves one bot token from a BotState; lives in the server's event-loop thread."""

    def __init__(self, state: BotState) -> None:
        self.state = state
        self.faults: list[Fault] = []  # guarded by state.lock
        self._loop: asyncio.AbstractEventLoop | None = None
        self._poll_waiter: asyncio.Future[str] | None = None
        self._closed: asyncio.Event | None = None

    def build(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES)
        app.router.add_route("*", "/bot{token}/{method}", self.handle_method)
        app.router.add_get("/file/bot{token}/{file_path:.+}", self.handle_file)
        app.on_startup.append(self._started)
        return app

    async def _started(self, app: web.Application) -> None:
        self._loop = asyncio.get_running_loop()
        self._closed = asyncio.Event()

    # -- cross-thread notifications (call from any thread) -------------------------------------

    def wake_pollers(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._resolve_poller, "update")

    def close(self) -> None:
        """Answer waiting long polls and end injected hangs, so shutdown is quick."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._close_in_loop)

    def _close_in_loop(self) -> None:
        assert self._closed is not None
        self._closed.set()
        self._resolve_poller("closed")

    def _resolve_poller(self, reason: str) -> None:
        if self._poll_waiter is not None and not self._poll_waiter.done():
            self._poll_waiter.set_result(reason)

    # -- handlers --------------------------------------------------------------------------------

    async def handle_method(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.state.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        method = request.match_info["method"]
        if method not in METHODS and method != "getUpdates":
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        body_type = request.content_type if request.body_exists else ""
        call = ApiCall(method=method, params={}, time=time.time(), content_type=body_type)
        with self.state.lock:
            self.state.calls.append(call)
        try:
            call.params = await read_params(request)
            fault = self._take_fault(method, call.params)
            if fault is not None and not fault.after_processing:
                return await self._fail(request, fault, call)
            result = await self._run(method, call.params)
            if fault is not None:
                return await self._fail(request, fault, call)
        except ApiError as error:
            return self._answer(call, error.body(), error.code)
        return self._answer(call, {"ok": True, "result": result}, 200)

    async def handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.state.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        stored = self.state.file_by_path(request.match_info["file_path"])
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        return web.Response(body=stored.data, content_type=stored.mime_type)

    def _answer(self, call: ApiCall, body: dict[str, Any], status: int) -> web.Response:
        with self.state.lock:
            call.status = status
            self.state.changed.notify_all()
        return web.json_response(body, status=status)

    async def _run(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getUpdates":
            return await self._get_updates(params)
        with self.state.lock:
            return METHODS[method](self.state, params)

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: answer as soon as an update is pending or ``timeout`` seconds passed.

        A newer getUpdates call ends a waiting one with 409 Conflict, as Telegram does when two
        bot instances poll.
        """
        assert self._loop is not None and self._closed is not None
        with self.state.lock:
            webhook.refuse_polling_while_set(self.state)
        self._resolve_poller("conflict")
        timeout_s = min(float(params.get("timeout") or 0), MAX_POLL_TIMEOUT_S)
        deadline = self._loop.time() + timeout_s
        offset, limit = params.get("offset"), params.get("limit")
        allowed = params.get("allowed_updates")
        while True:
            updates = self.state.take_updates(offset, limit, allowed)
            remaining = deadline - self._loop.time()
            if updates or remaining <= 0 or self._closed.is_set():
                return updates
            waiter: asyncio.Future[str] = self._loop.create_future()
            self._poll_waiter = waiter
            try:
                reason = await asyncio.wait_for(waiter, remaining)
            except TimeoutError:
                continue
            if reason == "conflict":
                raise ApiError(409, _CONFLICT)

    # -- faults -----------------------------------------------------------------------------------

    def _take_fault(self, method: str, params: dict[str, Any]) -> Fault | None:
        with self.state.lock:
            for fault in self.faults:
                if fault.method != method or fault.times <= 0:
                    continue
                if fault.chat_id is not None and str(fault.chat_id) != str(params.get("chat_id")):
                    continue
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                return fault
        return None

    async def _fail(self, request: web.Request, fault: Fault, call: ApiCall) -> web.StreamResponse:
        if fault.kind == "drop":
            if request.transport is not None:
                request.transport.abort()
            raise asyncio.CancelledError  # nothing to answer on a closed connection
        if fault.kind == "timeout":
            assert self._closed is not None
            # the client normally gives up first and aiohttp cancels this handler
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closed.wait(), fault.hang_s)
            error = ApiError(502, "Bad Gateway")
            return self._answer(call, error.body(), error.code)
        error = fault.error()
        return self._answer(call, error.body(), error.code)
