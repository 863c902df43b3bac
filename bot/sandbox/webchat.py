"""The demo's web chat: a small aiohttp app that lets a person use the fake Telegram in a browser.

The page (``static/``: plain HTML, CSS and JavaScript, no build step) polls
``GET /api/chats/{id}/messages`` and shows a chat as Telegram would: the users' messages and the
bot's, in message-id order, with the bot's edits applied. Messages are served as Telegram clients
get them: plain text plus entities (offsets in UTF-16 units, the unit of JavaScript strings), and
the page builds the formatting from an allow-list of entity types with DOM text nodes, never by
inserting the bot's HTML. Writing, uploading and pressing buttons become updates of the fake,
which the bot fetches by long polling like any Telegram update. A POST sent from another web
site (another Origin) is refused, so a page open in the same browser cannot write in the chats.

Chats: a private chat, a group with an admin and a member (the page picks who writes), and a
channel whose posts are its admin's. ``POST /api/timewarp`` calls the demo's ``time_warp``
(see demo.py) and answers with what it did.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.sandbox.fakebot import FakeBotAPI
from bot.sandbox.fakebot.html import utf16_len
from bot.sandbox.fakebot.validation import MAX_TEXT_UTF16

STATIC_DIR = Path(__file__).with_name("static")
TYPING_SHOWN_S = 5.0  # Telegram shows a chat action for 5 s or until the bot's next message
CALLBACK_ANSWER_WAIT_S = 10.0
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Person:
    """Someone who writes in the demo's chats."""

    user_id: int
    name: str
    role: str  # shown beside the name: "you", "admin", "member"


@dataclass(frozen=True)
class DemoChat:
    """One chat of the demo, and who may write in it (a channel's posts have no user)."""

    chat_id: int
    kind: str  # "private", "group" or "channel"
    title: str
    people: tuple[Person, ...] = ()

    def person(self, user_id: int | None) -> Person | None:
        """The chat's writer with this id; the first one when none is asked for."""
        if not self.people:
            return None
        if user_id is None:
            return self.people[0]
        return next((p for p in self.people if p.user_id == user_id), None)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.chat_id,
            "kind": self.kind,
            "title": self.title,
            "people": [{"id": p.user_id, "name": p.name, "role": p.role} for p in self.people],
        }


YOU = Person(1001, "You", "you")
ALICE = Person(2001, "Alice", "admin")
BOB = Person(2002, "Bob", "member")
DEMO_CHATS = (
    DemoChat(YOU.user_id, "private", "Private chat", (YOU,)),
    DemoChat(-4002003004, "group", "Newsroom group", (ALICE, BOB)),
    DemoChat(-1004005006007, "channel", "Morning Brief channel"),
)


class BadInput(Exception):
    """A request the page should not have made; its text is shown to the person."""


class WebChat:
    """The web chat over a running fake Bot API; ``build()`` makes the aiohttp application."""

    def __init__(
        self,
        fake: FakeBotAPI,
        time_warp: Callable[[], str],
        chats: tuple[DemoChat, ...] = DEMO_CHATS,
    ) -> None:
        self.fake = fake
        self.time_warp = time_warp
        self.chats = {chat.chat_id: chat for chat in chats}
        for chat in chats:
            self._introduce(chat)

    def _introduce(self, chat: DemoChat) -> None:
        """Make the chat known to the fake, with its admins, as if the bot had been added."""
        name = chat.people[0].name if chat.kind == "private" else chat.title
        self.fake.add_chat(chat.chat_id, chat.kind, title=name)
        admins = [p.user_id for p in chat.people if p.role == "admin"]
        if chat.kind == "group":
            self.fake.set_admins(chat.chat_id, admins)

    def build(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD_BYTES + 1024 * 1024)
        app.middlewares.extend([_same_origin_posts, _bad_input_as_400])
        app.router.add_get("/", self.index)
        app.router.add_static("/static/", STATIC_DIR)
        app.router.add_get("/api/chats", self.list_chats)
        app.router.add_get("/api/commands", self.list_commands)
        app.router.add_get("/api/chats/{chat_id}/messages", self.messages)
        app.router.add_post("/api/chats/{chat_id}/send", self.send)
        app.router.add_post("/api/chats/{chat_id}/upload", self.upload)
        app.router.add_post("/api/chats/{chat_id}/press", self.press)
        app.router.add_post("/api/timewarp", self.warp)
        return app

    # -- pages -----------------------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC_DIR / "index.html")

    async def list_chats(self, request: web.Request) -> web.Response:
        bot = self.fake.bot_user
        return web.json_response(
            {
                "bot": {"name": bot["first_name"], "username": bot["username"]},
                "chats": [chat.as_json() for chat in self.chats.values()],
            }
        )

    async def list_commands(self, request: web.Request) -> web.Response:
        """The bot's command menu, as it set it with setMyCommands (empty until it did)."""
        return web.json_response({"commands": self.fake.commands or []})

    async def messages(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        return web.json_response(
            {"messages": self.timeline(chat), "typing": self.bot_is_typing(chat.chat_id)}
        )

    # -- what people do --------------------------------------------------------------------------

    async def send(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        body = await _json_body(request)
        text = body.get("text")
        if not isinstance(text, str) or not text.strip():
            raise BadInput("Type a message first.")
        if utf16_len(text) > MAX_TEXT_UTF16:
            raise BadInput(
                f"Telegram takes at most {MAX_TEXT_UTF16} characters in one message: send a "
                "longer article as a .txt file (the paperclip)."
            )
        if chat.kind == "channel":
            self.fake.channel_post(chat.chat_id, text, title=chat.title)
        else:
            person = self._writer(chat, body.get("user_id"))
            self.fake.send_text(
                chat.chat_id, text, user_id=person.user_id, chat_type=chat.kind,
                first_name=person.name, title=chat.title,
            )  # fmt: skip
        return web.json_response({"ok": True})

    async def upload(self, request: web.Request) -> web.Response:
        chat = self._chat(request)
        if chat.kind == "channel":
            raise BadInput("Files can be sent in the private chat and the group.")
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField):
            raise BadInput("Choose a file to send.")
        data = upload.file.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise BadInput("Files up to 20 MB can be sent (Telegram's limit for bots).")
        user_id = form.get("user_id")
        person = self._writer(chat, user_id if isinstance(user_id, str) else None)
        caption = form.get("caption")
        self.fake.send_document(
            chat.chat_id, upload.filename or "file", data,
            mime_type=upload.content_type or "application/octet-stream",
            caption=caption if isinstance(caption, str) and caption.strip() else None,
            user_id=person.user_id, chat_type=chat.kind, first_name=person.name, title=chat.title,
        )  # fmt: skip
        return web.json_response({"ok": True})

    async def press(self, request: web.Request) -> web.Response:
        """Press an inline button; answers with the bot's callback answer (a toast) if any."""
        chat = self._chat(request)
        body = await _json_body(request)
        message_id, data = body.get("message_id"), body.get("data")
        if not isinstance(message_id, int) or not isinstance(data, str):
            raise BadInput("Press a button of a message.")
        person = self._writer(chat, body.get("user_id")) if chat.people else None
        try:
            update_id = self.fake.press_button(
                chat.chat_id, message_id, data, user_id=person and person.user_id
            )
        except ValueError:
            raise BadInput("That button is gone: the message has changed.") from None
        answer = await self._callback_answer(update_id)
        return web.json_response({"ok": True, "toast": (answer or {}).get("text") or ""})

    async def warp(self, request: web.Request) -> web.Response:
        text = await asyncio.to_thread(self.time_warp)
        return web.json_response({"ok": True, "text": text})

    # -- reading the fake ------------------------------------------------------------------------

    def timeline(self, chat: DemoChat) -> list[dict[str, Any]]:
        """The chat's messages as the page shows them, oldest first."""
        shown = [_user_message(m) for m in self.fake.user_messages(chat.chat_id)]
        bot_name = self.fake.bot_user["first_name"]
        for message in self.fake.messages(chat.chat_id):
            if message.deleted:
                continue
            shown.append(
                {
                    "id": message.message_id,
                    "mine": False,
                    "sender": chat.title if chat.kind == "channel" else bot_name,
                    "text": message.plain_text,
                    "entities": message.entities,
                    "buttons": (message.reply_markup or {}).get("inline_keyboard", []),
                    "edited": message.edit_date is not None,
                    "document": message.document and message.document.file_name,
                    "reply_to": message.reply_to_message_id,
                    "date": message.date,
                }
            )
        return sorted(shown, key=lambda m: m["id"])

    def bot_is_typing(self, chat_id: int) -> bool:
        """Whether the bot sent a chat action in the last seconds and no message since."""
        actions = self._call_times("sendChatAction", chat_id)
        if not actions or time.time() - actions[-1] > TYPING_SHOWN_S:
            return False
        sends = self._call_times("sendMessage", chat_id) + self._call_times("sendDocument", chat_id)
        return not any(sent > actions[-1] for sent in sends)

    def _call_times(self, method: str, chat_id: int) -> list[float]:
        return [c.time for c in self.fake.calls(method) if c.params.get("chat_id") == chat_id]

    async def _callback_answer(self, update_id: int) -> dict[str, Any] | None:
        deadline = time.monotonic() + CALLBACK_ANSWER_WAIT_S
        while time.monotonic() < deadline:
            answer = self.fake.callback_answer(update_id)
            if answer is not None:
                return answer
            await asyncio.sleep(0.05)
        return None

    def _chat(self, request: web.Request) -> DemoChat:
        try:
            return self.chats[int(request.match_info["chat_id"])]
        except (KeyError, ValueError):
            raise BadInput("There is no such chat in this demo.") from None

    @staticmethod
    def _writer(chat: DemoChat, user_id: Any) -> Person:
        try:
            wanted = None if user_id in (None, "") else int(user_id)
        except (TypeError, ValueError):
            wanted = -1
        person = chat.person(wanted)
        if person is None:
            raise BadInput(f"Nobody with that id writes in {chat.title}.")
        return person


def _user_message(message: dict[str, Any]) -> dict[str, Any]:
    """A message a user sent (or a channel post), as the page shows it."""
    sender = message.get("from") or message.get("sender_chat") or {}
    document = message.get("document")
    return {
        "id": message["message_id"],
        "mine": True,
        "sender": sender.get("first_name") or sender.get("title") or "",
        "text": message.get("text") or message.get("caption") or "",
        "entities": message.get("entities") or message.get("caption_entities") or [],
        "buttons": [],
        "edited": False,
        "document": document and document.get("file_name"),
        "reply_to": (message.get("reply_to_message") or {}).get("message_id"),
        "date": message["date"],
    }


async def _json_body(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except ValueError:
        raise BadInput("The request was not JSON.") from None
    if not isinstance(body, dict):
        raise BadInput("The request was not a JSON object.")
    return body


@web.middleware
async def _same_origin_posts(request: web.Request, handler) -> web.StreamResponse:
    """Refuse a POST another web site makes the browser send (its Origin is not this page's)."""
    origin = request.headers.get("Origin")
    if request.method == "POST" and origin is not None and urlsplit(origin).netloc != request.host:
        return web.json_response({"ok": False, "error": "Cross-site request refused."}, status=403)
    return await handler(request)


@web.middleware
async def _bad_input_as_400(request: web.Request, handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except BadInput as error:
        return web.json_response({"ok": False, "error": str(error)}, status=400)
