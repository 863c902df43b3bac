"""The port through which use cases send digest messages, and the order they go in.

A `MessageSender` (bot.telegram.sender for Telegram, a fake in tests) sends one message and
answers with a `SendOutcome` value instead of raising: the message went (perhaps to a migrated
chat's new id), was refused with a replacement that would be accepted, was refused for good, the
chat is gone, or the send is to be tried later. `send_in_order` sends a list of messages through
it, putting a refused message's replacement in its place, so pushes and /digest follow one policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

from bot.core.domain import RenderedMessage
from bot.render.i18n import DEFAULT_LANGUAGE


class SendStatus(Enum):
    """What became of one message."""

    SENT = "sent"  # the chat has it (at `SendOutcome.chat_id`)
    REPAIRED = "repaired"  # refused as it was: `SendOutcome.replacement` is to be sent instead
    REFUSED = "refused"  # refused, and nothing would make it acceptable
    CHAT_GONE = "chat gone"  # the chat blocked or removed the bot (the chat is made inactive)
    RETRY_LATER = "retry later"  # still flood-limited, or the network failed after the retries


@dataclass(frozen=True)
class SendOutcome:
    """A send's result: its status, the chat it went to (a group that became a supergroup has a
    new id), the replacement of a refused message, and Telegram's error if any."""

    status: SendStatus
    chat_id: int
    replacement: tuple[RenderedMessage, ...] = ()
    error: str = ""


@dataclass(frozen=True)
class DigestButtons:
    """Under a pushed digest message: "Full summary" for each article it carries (when its
    summaries were cut), "Whole digest as a file" (under the last message of a digest longer
    than one), then "Unsubscribe"; labelled in `language`."""

    delivery_id: int
    message_index: int
    subscription_id: int
    language: str = DEFAULT_LANGUAGE
    full_summaries: bool = False
    whole_digest: bool = False
    one_page: bool = False  # the whole digest is offered as a Telegraph page, not as files


@dataclass(frozen=True)
class NextPageButton:
    """Under a /digest answer's last message: ask for `page` of the topic over `days` (None:
    the last page), and "Whole digest as a file" when `whole_digest`; labelled in `language`."""

    topic: str
    page: int | None
    days: int | None = None
    language: str = DEFAULT_LANGUAGE
    whole_digest: bool = False
    one_page: bool = False  # as in DigestButtons


Buttons = DigestButtons | NextPageButton


@dataclass(frozen=True)
class Attachment:
    """A file to send as a document: its name, bytes and a caption (plain text)."""

    name: str
    data: bytes
    caption: str = ""


class MessageSender(Protocol):
    """Sends one digest message to a chat; every fault comes back as an outcome."""

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
        ...

    async def send_file(
        self,
        chat_id: int,
        attachment: Attachment,
        *,
        thread_id: int | None = None,
        what: str = "a file",
    ) -> SendOutcome:
        """Send `attachment` as a document (into the forum topic `thread_id`, if given)."""
        ...


class Progress(Protocol):
    """What a sender of several messages records as they go (a push keeps them in its delivery);
    each answers False to stop the sending."""

    def may_send(self) -> bool:
        """Whether the next message may go now."""
        ...

    async def replaced(self, messages: list[RenderedMessage]) -> bool:
        """The messages changed: a refused one was replaced."""
        ...

    async def sent(self, count: int) -> bool:
        """The first `count` messages have been sent."""
        ...


class Unrecorded:
    """The progress of messages nobody resumes (a /digest answer): nothing to record."""

    def may_send(self) -> bool:
        return True

    async def replaced(self, messages: list[RenderedMessage]) -> bool:
        return True

    async def sent(self, count: int) -> bool:
        return True


async def send_in_order(
    sender: MessageSender,
    chat_id: int,
    messages: list[RenderedMessage],
    *,
    buttons: Callable[[int, int], Buttons | None],
    what: str,
    thread_id: int | None = None,
    silent: bool = False,
    previews: bool = False,
    sent: int = 0,
    progress: Progress | None = None,
) -> SendOutcome | None:
    """Send `messages` from index `sent` on, one after the other, a refused one replaced by what
    the sender offers instead; `buttons(index, count)` are those under message `index` of `count`.
    `thread_id`, `silent` and `previews` are passed to each send (see `MessageSender.send`).

    Returns the outcome that ended the sending (SENT once all went; else the failure that stopped
    it), or None when `progress` stopped it.
    """
    progress = progress or Unrecorded()
    outcome = SendOutcome(SendStatus.SENT, chat_id)
    while sent < len(messages):
        if not progress.may_send():
            return None
        outcome = await sender.send(
            outcome.chat_id,
            messages[sent],
            buttons=buttons(sent, len(messages)),
            thread_id=thread_id,
            silent=silent,
            previews=previews,
            what=f"{what} message {sent + 1}",
        )
        if outcome.status is SendStatus.REPAIRED:
            messages = [*messages[:sent], *outcome.replacement, *messages[sent + 1 :]]
            recorded = await progress.replaced(messages)
        elif outcome.status is SendStatus.SENT:
            sent += 1
            recorded = await progress.sent(sent)
        else:
            return outcome
        if not recorded:
            return None
    return outcome
