"""The fake's Telegram: chats, messages, files, pending updates, and the Bot API methods on them.

Everything here is synchronous and guarded by one re-entrant lock, so the server's event-loop
thread and the test thread can both use it; ``changed`` is notified after every change so test
waits wake up. Methods take already-decoded parameters and return the Bot API ``result`` or
raise ApiError with Telegram's code and description.
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from bot.sandbox.fakebot.html import utf16_len
from bot.sandbox.fakebot.records import (
    ApiCall,
    ApiError,
    MessageVersion,
    RateLimits,
    SentMessage,
    StoredFile,
    UploadedFile,
)
from bot.sandbox.fakebot.validation import (
    MAX_CAPTION_UTF16,
    FloodControl,
    checked_commands,
    checked_markup,
    checked_text,
    formatted_text,
)

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024
MAX_CALLBACK_ANSWER_UTF16 = 200
DEFAULT_ALLOWED_UPDATES = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post", "callback_query",
        "inline_query", "chosen_inline_result", "my_chat_member", "poll", "poll_answer",
        "chat_join_request", "shipping_query", "pre_checkout_query",
    }
)  # fmt: skip
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


def chat_not_found() -> ApiError:
    return ApiError(400, "Bad Request: chat not found")


class BotState:
    """In-memory Telegram as one bot sees it."""

    def __init__(
        self,
        token: str,
        *,
        username: str,
        first_name: str,
        strict_html: bool,
        enforce_limits: bool,
        limits: RateLimits,
    ) -> None:
        self.token = token
        self.strict_html = strict_html
        self.bot_user: dict[str, Any] = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": first_name,
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.on_new_update: Callable[[], None] = lambda: None
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.blocked: dict[int, str] = {}
        self.admins: dict[int, tuple[int | None, list[int]]] = {}
        self.sent: list[SentMessage] = []
        self.incoming: dict[tuple[int, int], dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.updates: list[dict[str, Any]] = []
        self.update_log: dict[int, dict[str, Any]] = {}  # every update made, pending or not
        self.webhook: dict[str, Any] | None = None  # set by setWebhook (webhook.py)
        self.webhook_posts: list[Any] = []  # webhook.WebhookPost, in the order answered
        self.allowed_updates: frozenset[str] = DEFAULT_ALLOWED_UPDATES
        self.callback_answers: dict[str, dict[str, Any] | None] = {}
        self.callback_queries: dict[int, str] = {}  # update_id -> callback query id
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.calls: list[ApiCall] = []
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._update_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self.flood_control = FloodControl(limits) if enforce_limits else None

    # -- chats, users, messages ------------------------------------------------------------

    def add_chat(
        self, chat_id: int, chat_type: str, title: str | None = None, username: str | None = None
    ) -> dict[str, Any]:
        with self.lock:
            chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat["first_name"] = title or "Tester"
            else:
                chat["title"] = title or f"Test {chat_type}"
            if username:
                chat["username"] = username
            self.chats[chat_id] = self.chats.get(chat_id, {}) | chat
            return self.chats[chat_id]

    def add_user(
        self,
        user_id: int,
        first_name: str,
        username: str | None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        with self.lock:
            user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
            if username:
                user["username"] = username
            if language_code:
                user["language_code"] = language_code
            self.users[user_id] = user
            return user

    def next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids[chat_id])

    def resolve_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username", "").lower() == chat_id[1:].lower():
                    return chat
            raise chat_not_found()
        if chat_id is None:
            raise ApiError(400, "Bad Request: chat_id is empty")
        chat = self.chats.get(int(chat_id))
        if chat is None:
            raise chat_not_found()
        return chat

    def find_sent(self, chat_id: int, message_id: int) -> SentMessage | None:
        for message in reversed(self.sent):
            if (message.chat_id, message.message_id) == (chat_id, message_id):
                return None if message.deleted else message
        return None

    def message_json(self, message: SentMessage, *, with_reply: bool = True) -> dict[str, Any]:
        chat = self.chats[message.chat_id]
        body: dict[str, Any] = {"message_id": message.message_id, "date": message.date}
        if chat["type"] == "channel":
            body["sender_chat"] = chat
        else:
            body["from"] = self.bot_user
        body["chat"] = chat
        text_key, entities_key = (
            ("caption", "caption_entities")
            if message.document
            else (
                "text",
                "entities",
            )
        )
        if message.plain_text:
            body[text_key] = message.plain_text
        if message.entities:
            body[entities_key] = message.entities
        if message.document:
            body["document"] = message.document.as_document()
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if message.link_preview_options:
            body["link_preview_options"] = message.link_preview_options
        if message.message_thread_id:  # the fake's threads are forum topics
            body["message_thread_id"] = message.message_thread_id
            body["is_topic_message"] = True
        if message.edit_date:
            body["edit_date"] = message.edit_date
        if with_reply and message.reply_to_message_id:
            replied = self.reply_target(message.chat_id, message.reply_to_message_id)
            if replied is not None:
                body["reply_to_message"] = replied
        return body

    def reply_target(self, chat_id: int, message_id: int) -> dict[str, Any] | None:
        if (chat_id, message_id) in self.incoming:
            return self.incoming[(chat_id, message_id)]
        sent = self.find_sent(chat_id, message_id)
        return None if sent is None else self.message_json(sent, with_reply=False)

    def snapshot(self, chat_id: int | None) -> list[SentMessage]:
        with self.lock:
            return [copy.deepcopy(m) for m in self.sent if chat_id is None or m.chat_id == chat_id]

    # -- updates -----------------------------------------------------------------------------

    def push_update(self, kind: str, payload: dict[str, Any]) -> int:
        with self.lock:
            update_id = next(self._update_ids)
            if kind in self.allowed_updates:  # Telegram does not create unwanted updates
                self.updates.append({"update_id": update_id, kind: payload})
                self.update_log[update_id] = self.updates[-1]
            self.changed.notify_all()
        self.on_new_update()
        return update_id

    def take_updates(
        self, offset: int | None, limit: int | None, allowed: list[str] | None
    ) -> list[dict[str, Any]]:
        """Confirm updates before ``offset`` and return the pending ones getUpdates would.

        ``allowed`` replaces the update types to create from now on; queued ones stay.
        """
        with self.lock:
            if allowed is not None:
                self.allowed_updates = frozenset(allowed) or DEFAULT_ALLOWED_UPDATES
            if offset is not None and offset < 0:
                self.updates = self.updates[offset:]
            elif offset:
                self.updates = [u for u in self.updates if u["update_id"] >= offset]
            self.changed.notify_all()
            return copy.deepcopy(self.updates[: max(1, min(limit or 100, 100))])

    # -- validation helpers ------------------------------------------------------------------

    def check_can_send(self, chat: dict[str, Any]) -> None:
        if chat["id"] in self.blocked:
            raise ApiError(403, self.blocked[chat["id"]])
        if self.flood_control is not None:
            self.flood_control.admit(chat["id"], private=chat["type"] == "private")

    def reply_to(self, chat_id: int, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id") or params.get("reply_to_message_id")
        if message_id is None:
            return None
        if self.reply_target(chat_id, int(message_id)) is None:
            if reply.get("allow_sending_without_reply") or params.get(
                "allow_sending_without_reply"
            ):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return int(message_id)

    def record(self, chat: dict[str, Any], params: dict[str, Any], **fields: Any) -> SentMessage:
        message = SentMessage(
            message_id=self.next_message_id(chat["id"]),
            chat_id=chat["id"],
            date=int(time.time()),
            reply_to_message_id=self.reply_to(chat["id"], params),
            message_thread_id=params.get("message_thread_id"),
            disable_notification=bool(params.get("disable_notification")),
            **fields,
        )
        self.sent.append(message)
        self.changed.notify_all()
        return message

    # -- Bot API methods -----------------------------------------------------------------------

    def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.resolve_chat(params)
        text = params.get("text") or ""
        parse_mode = params.get("parse_mode")
        plain, entities = checked_text(text, parse_mode, params.get("entities"), self.strict_html)
        markup = checked_markup(params.get("reply_markup"))
        self.check_can_send(chat)
        preview = params.get("link_preview_options")
        if preview is None and params.get("disable_web_page_preview"):
            preview = {"is_disabled": True}
        message = self.record(
            chat,
            params,
            text=text,
            plain_text=plain,
            parse_mode=parse_mode,
            entities=entities,
            reply_markup=markup,
            link_preview_options=preview,
        )
        return self.message_json(message)

    def send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self.resolve_chat(params)
        caption = params.get("caption") or ""
        plain, entities = formatted_text(
            caption, params.get("parse_mode"), params.get("caption_entities"), self.strict_html
        )
        if utf16_len(plain) > MAX_CAPTION_UTF16:
            raise ApiError(400, "Bad Request: message caption is too long")
        document = params.get("document")
        if isinstance(document, UploadedFile):
            stored = self.store_file(document.file_name, document.data, document.content_type)
        elif isinstance(document, str) and document in self.files:
            stored = self.files[document]
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        markup = checked_markup(params.get("reply_markup"))
        self.check_can_send(chat)
        message = self.record(
            chat,
            params,
            text=caption,
            plain_text=plain,
            parse_mode=params.get("parse_mode"),
            entities=entities,
            reply_markup=markup,
            document=stored,
        )
        return self.message_json(message)

    def edit_message(self, params: dict[str, Any], *, text_too: bool) -> dict[str, Any]:
        chat = self.resolve_chat(params)
        message = self.find_sent(chat["id"], int(params.get("message_id") or 0))
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        text, plain, parse_mode, entities = (
            message.text,
            message.plain_text,
            message.parse_mode,
            message.entities,
        )
        if text_too:
            if message.document is not None:
                raise ApiError(400, "Bad Request: there is no text in the message to edit")
            text, parse_mode = params.get("text") or "", params.get("parse_mode")
            entities_in = params.get("entities")
            plain, entities = checked_text(text, parse_mode, entities_in, self.strict_html)
        markup = checked_markup(params.get("reply_markup"))
        current = (message.plain_text, message.entities, message.reply_markup)
        if (plain, entities, markup) == current:
            raise ApiError(400, _NOT_MODIFIED)
        message.history.append(
            MessageVersion(
                message.text,
                message.plain_text,
                message.parse_mode,
                message.reply_markup,
                message.edit_date,
            )
        )
        message.text, message.plain_text, message.parse_mode = text, plain, parse_mode
        message.entities, message.reply_markup = entities, markup
        message.edit_date = int(time.time())
        self.changed.notify_all()
        return self.message_json(message)

    def delete_message(self, params: dict[str, Any]) -> bool:
        chat = self.resolve_chat(params)
        key = (chat["id"], int(params.get("message_id") or 0))
        if self.incoming.pop(key, None) is not None:
            return True
        message = self.find_sent(*key)
        if message is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        message.deleted = True
        self.changed.notify_all()
        return True

    def answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self.callback_answers or self.callback_answers[query_id] is not None:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if utf16_len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_UTF16:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        answer = {k: v for k, v in params.items() if k != "callback_query_id"}
        self.callback_answers[query_id] = answer
        self.changed.notify_all()
        return True

    def set_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands[self.commands_key(params)] = checked_commands(params.get("commands"))
        self.changed.notify_all()
        return True

    @staticmethod
    def commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), params.get("language_code") or ""

    def store_file(self, file_name: str, data: bytes, mime_type: str) -> StoredFile:
        number = next(self._file_ids)
        suffix = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        stored = StoredFile(
            file_id=f"BQACAgIAAx0Cfake{number:06d}",
            file_unique_id=f"AgADfake{number:06d}",
            file_path=f"documents/file_{number}.{suffix}",
            file_name=file_name,
            mime_type=mime_type,
            data=data,
        )
        with self.lock:
            self.files[stored.file_id] = stored
        return stored

    def get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(params.get("file_id")))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if len(stored.data) > MAX_DOWNLOAD_BYTES:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    def file_by_path(self, file_path: str) -> StoredFile | None:
        with self.lock:
            return next((f for f in self.files.values() if f.file_path == file_path), None)
