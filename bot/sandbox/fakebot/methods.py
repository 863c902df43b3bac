"""The Bot API method table: name → function of (state, decoded params) → result.

getUpdates is not here: its long polling lives in the HTTP layer (app.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.sandbox.fakebot import webhook
from bot.sandbox.fakebot.records import ApiError
from bot.sandbox.fakebot.state import BotState

_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
        "upload_document", "choose_sticker", "find_location", "record_video_note",
        "upload_video_note",
    }
)  # fmt: skip
_ADMIN_RIGHTS = (
    "can_manage_chat", "can_delete_messages", "can_manage_video_chats", "can_restrict_members",
    "can_promote_members", "can_change_info", "can_invite_users", "can_post_stories",
    "can_edit_stories", "can_delete_stories", "can_pin_messages",
)  # fmt: skip


def _true(state: BotState, params: dict[str, Any]) -> bool:
    return True


def _get_chat(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    chat = state.resolve_chat(params)
    return chat | {
        "accent_color_id": 0,
        "max_reaction_count": 11,
        "accepted_gift_types": {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        },
    }


def _user(state: BotState, user_id: int) -> dict[str, Any]:
    if user_id == state.bot_user["id"]:
        return state.bot_user
    return state.users.get(user_id, {"id": user_id, "is_bot": False, "first_name": "User"})


def _member(state: BotState, chat_id: int, user_id: int) -> dict[str, Any]:
    owner_id, admin_ids = state.admins.get(chat_id, (None, []))
    user = _user(state, user_id)
    if user_id == owner_id:
        return {"status": "creator", "user": user, "is_anonymous": False}
    if user_id in admin_ids:
        rights = dict.fromkeys(_ADMIN_RIGHTS, True)
        return {
            "status": "administrator",
            "user": user,
            "can_be_edited": False,
            "is_anonymous": False,
            **rights,
        }
    return {"status": "member", "user": user}


def _get_chat_member(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    chat = state.resolve_chat(params)
    return _member(state, chat["id"], int(params.get("user_id") or 0))


def _get_chat_administrators(state: BotState, params: dict[str, Any]) -> list[dict[str, Any]]:
    chat = state.resolve_chat(params)
    if chat["type"] == "private":
        raise ApiError(400, "Bad Request: there are no administrators in the private chat")
    owner_id, admin_ids = state.admins.get(chat["id"], (None, []))
    ids = ([owner_id] if owner_id is not None else []) + admin_ids
    return [_member(state, chat["id"], user_id) for user_id in ids]


def _send_chat_action(state: BotState, params: dict[str, Any]) -> bool:
    chat = state.resolve_chat(params)
    if params.get("action") not in _CHAT_ACTIONS:
        raise ApiError(400, "Bad Request: wrong parameter action in request")
    if chat["id"] in state.blocked:
        raise ApiError(403, state.blocked[chat["id"]])
    return True


def _get_my_commands(state: BotState, params: dict[str, Any]) -> list[dict[str, Any]]:
    return state.commands.get(state.commands_key(params), [])


def _delete_my_commands(state: BotState, params: dict[str, Any]) -> bool:
    state.commands.pop(state.commands_key(params), None)
    return True


def _set_chat_menu_button(state: BotState, params: dict[str, Any]) -> bool:
    chat_id = params.get("chat_id")
    state.menu_buttons[None if chat_id is None else int(chat_id)] = params.get("menu_button") or {
        "type": "default"
    }
    return True


def _get_chat_menu_button(state: BotState, params: dict[str, Any]) -> dict[str, Any]:
    chat_id = params.get("chat_id")
    key = None if chat_id is None else int(chat_id)
    button = state.menu_buttons.get(key) or state.menu_buttons.get(None) or {"type": "commands"}
    return {"type": "commands"} if button.get("type") == "default" else button


METHODS: dict[str, Callable[[BotState, dict[str, Any]], Any]] = {
    "getMe": lambda state, params: state.bot_user,
    "logOut": _true,
    "close": _true,
    "setWebhook": webhook.set_webhook,
    "deleteWebhook": webhook.delete_webhook,
    "getWebhookInfo": webhook.get_webhook_info,
    "sendMessage": BotState.send_message,
    "sendDocument": BotState.send_document,
    "editMessageText": lambda state, params: state.edit_message(params, text_too=True),
    "editMessageReplyMarkup": lambda state, params: state.edit_message(params, text_too=False),
    "deleteMessage": BotState.delete_message,
    "answerCallbackQuery": BotState.answer_callback_query,
    "setMyCommands": BotState.set_my_commands,
    "getMyCommands": _get_my_commands,
    "deleteMyCommands": _delete_my_commands,
    "setMyDescription": _true,
    "setMyShortDescription": _true,
    "setMyName": _true,
    "setChatMenuButton": _set_chat_menu_button,
    "getChatMenuButton": _get_chat_menu_button,
    "sendChatAction": _send_chat_action,
    "getFile": BotState.get_file,
    "getChat": _get_chat,
    "getChatMember": _get_chat_member,
    "getChatAdministrators": _get_chat_administrators,
}
