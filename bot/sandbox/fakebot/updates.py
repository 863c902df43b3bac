"""Updates the test side injects: user messages, documents, button presses, channel posts.

Each builder registers the chat and user like Telegram would know them, gives the message the
chat's next message_id (shared with the bot's own messages, as in Telegram) and queues the update
for getUpdates. A leading ``/command`` or ``/command@bot`` gets its ``bot_command`` entity.
"""

from __future__ import annotations

import re
import time
from typing import Any

from bot.sandbox.fakebot.html import utf16_len
from bot.sandbox.fakebot.state import BotState

DEFAULT_GROUP_USER_ID = 4242
_COMMAND = re.compile(r"/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?=\s|$)")


def command_entities(text: str) -> list[dict[str, Any]]:
    match = _COMMAND.match(text)
    if match is None:
        return []
    return [{"type": "bot_command", "offset": 0, "length": utf16_len(match.group())}]


def default_user_id(chat_id: int, chat_type: str) -> int:
    return chat_id if chat_type == "private" else DEFAULT_GROUP_USER_ID


def user_message(
    state: BotState,
    chat_id: int,
    *,
    text: str | None = None,
    document: tuple[str, bytes, str] | None = None,
    caption: str | None = None,
    user_id: int | None = None,
    chat_type: str = "private",
    username: str | None = None,
    first_name: str = "Tester",
    title: str | None = None,
    reply_to_message_id: int | None = None,
    message_thread_id: int | None = None,
    language_code: str | None = None,
) -> int:
    """Queue a ``message`` update from a user (Telegram in ``language_code``); its update_id."""
    with state.lock:
        sender_id = user_id if user_id is not None else default_user_id(chat_id, chat_type)
        user = state.add_user(sender_id, first_name, username, language_code)
        chat_title = first_name if chat_type == "private" else title
        chat_username = username if chat_type == "private" else None
        chat = state.add_chat(chat_id, chat_type, chat_title, chat_username)
        message: dict[str, Any] = {
            "message_id": state.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
        }
        if message_thread_id is not None:
            message["message_thread_id"] = message_thread_id
            message["is_topic_message"] = True
        if reply_to_message_id is not None:
            replied = state.reply_target(chat_id, reply_to_message_id)
            if replied is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat_id} to reply to")
            message["reply_to_message"] = replied
        if text is not None:
            message["text"] = text
            if entities := command_entities(text):
                message["entities"] = entities
        if document is not None:
            file_name, data, mime_type = document
            message["document"] = state.store_file(file_name, data, mime_type).as_document()
            if caption:
                message["caption"] = caption
                if entities := command_entities(caption):
                    message["caption_entities"] = entities
        state.incoming[(chat_id, message["message_id"])] = message
        return state.push_update("message", message)


def channel_post(
    state: BotState, chat_id: int, text: str, *, title: str | None, username: str | None
) -> int:
    """Queue a ``channel_post`` update (no sender user, ``sender_chat`` is the channel)."""
    with state.lock:
        chat = state.add_chat(chat_id, "channel", title, username)
        post: dict[str, Any] = {
            "message_id": state.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "sender_chat": chat,
            "text": text,
        }
        if entities := command_entities(text):
            post["entities"] = entities
        state.incoming[(chat_id, post["message_id"])] = post
        return state.push_update("channel_post", post)


def callback_query(
    state: BotState,
    chat_id: int,
    message_id: int,
    callback_data: str,
    *,
    user_id: int | None,
    strict: bool,
) -> int:
    """Queue a ``callback_query`` update for a button of a bot message; returns its update_id.

    With ``strict`` the button must be on the message as it is now, as a real user can only
    press what they see.
    """
    with state.lock:
        message = state.find_sent(chat_id, message_id)
        if message is None:
            raise ValueError(f"the bot has no message {message_id} in chat {chat_id}")
        if strict and callback_data not in message.button_data():
            raise ValueError(
                f"message {message_id} has no button with callback_data {callback_data!r}; "
                f"its buttons: {message.button_data()}"
            )
        chat = state.chats[chat_id]
        sender_id = user_id if user_id is not None else default_user_id(chat_id, chat["type"])
        user = state.users.get(sender_id) or state.add_user(sender_id, "Tester", None)
        query_id = f"cbq{len(state.callback_answers) + 1}"
        state.callback_answers[query_id] = None
        query = {
            "id": query_id,
            "from": user,
            "message": state.message_json(message),
            "chat_instance": f"ci{chat_id}",
            "data": callback_data,
        }
        update_id = state.push_update("callback_query", query)
        state.callback_queries[update_id] = query_id
        return update_id
