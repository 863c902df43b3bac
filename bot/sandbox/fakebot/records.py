"""Plain records the fake Bot API keeps and hands to tests: messages, calls, faults, limits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ChatType = Literal["private", "group", "supergroup", "channel"]
FaultKind = Literal["429", "403", "400", "500", "migrate", "timeout", "drop"]
FAULT_KINDS: frozenset[str] = frozenset({"429", "403", "400", "500", "migrate", "timeout", "drop"})


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as the fake received it."""

    file_name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class StoredFile:
    """A file the fake can serve through getFile and the download route."""

    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    mime_type: str
    data: bytes

    def as_document(self) -> dict[str, Any]:
        """The Bot API's Document; a file sent without a name has no file_name."""
        document = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_name": self.file_name,
            "mime_type": self.mime_type,
            "file_size": len(self.data),
        }
        return {key: value for key, value in document.items() if value != ""}


@dataclass(frozen=True)
class MessageVersion:
    """One earlier state of a bot message, kept when it is edited."""

    text: str
    plain_text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    edit_date: int | None


@dataclass
class SentMessage:
    """A message the bot sent into a chat, with edits applied (``history`` keeps older versions).

    ``text`` is the raw text as the bot sent it, ``plain_text`` what the user sees after entity
    parsing. For documents they are the caption (empty when none) and ``document`` is the file.
    """

    message_id: int
    chat_id: int
    text: str
    plain_text: str
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    date: int
    reply_to_message_id: int | None = None
    message_thread_id: int | None = None
    disable_notification: bool = False
    link_preview_options: dict[str, Any] | None = None
    document: StoredFile | None = None
    edit_date: int | None = None
    deleted: bool = False
    history: list[MessageVersion] = field(default_factory=list)

    def button_data(self) -> list[str]:
        """The callback_data of every inline button, row by row."""
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [b["callback_data"] for row in rows for b in row if "callback_data" in b]


@dataclass
class ApiCall:
    """One request to ``/bot<token>/<method>``; ``status`` is the HTTP status answered
    (0 when the connection was dropped or the client gave up first), ``content_type`` the body's
    ("" for none)."""

    method: str
    params: dict[str, Any]
    time: float
    status: int = 0
    content_type: str = ""


@dataclass
class Fault:
    """An injected failure for the next ``times`` calls of ``method`` (optionally one chat).

    ``after_processing`` makes the call take effect (a message is recorded) before the client
    gets the failure: the unknown-outcome case.
    """

    method: str
    kind: FaultKind
    times: int
    chat_id: int | str | None = None
    retry_after: int = 1
    description: str | None = None
    migrate_to_chat_id: int | None = None
    hang_s: float = 30.0
    after_processing: bool = False

    def error(self) -> ApiError:
        match self.kind:
            case "429":
                return ApiError(
                    429,
                    f"Too Many Requests: retry after {self.retry_after}",
                    {"retry_after": self.retry_after},
                )
            case "403":
                return ApiError(403, self.description or "Forbidden: bot was blocked by the user")
            case "400":
                return ApiError(400, self.description or "Bad Request: injected failure")
            case "migrate":
                return ApiError(
                    400,
                    "Bad Request: group chat was upgraded to a supergroup chat",
                    {"migrate_to_chat_id": self.migrate_to_chat_id},
                )
            case _:
                return ApiError(500, self.description or "Internal Server Error")


@dataclass(frozen=True)
class RateLimits:
    """Telegram's flood limits, enforced only with ``FakeBotAPI(enforce_limits=True)``.

    Counted over sliding windows of sent messages (send* methods only).
    """

    global_per_s: int = 30
    private_chat_per_s: int = 1
    group_per_min: int = 20
