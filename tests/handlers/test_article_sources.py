"""Where a Telegram article came from: the forwarded-from channel or user, else the chat."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import (
    Chat,
    Message,
    MessageOriginChannel,
    MessageOriginHiddenUser,
    MessageOriginUser,
    User,
)

from bot.telegram.handlers.articles import source_of

WHEN = datetime(2024, 11, 4, tzinfo=UTC)
PRIVATE = Chat(7, Chat.PRIVATE, first_name="Ann", last_name="Lee")


def message(chat: Chat = PRIVATE, origin=None) -> Message:
    return Message(1, WHEN, chat, text="article text", forward_origin=origin)


@pytest.mark.parametrize(
    ("origin", "expected"),
    [
        (None, "Telegram: Ann Lee"),
        (
            MessageOriginChannel(WHEN, Chat(-100, Chat.CHANNEL, username="newsdesk"), 5),
            "Telegram: @newsdesk",
        ),
        (
            MessageOriginChannel(WHEN, Chat(-100, Chat.CHANNEL, title="Desk Wire"), 5),
            "Telegram: Desk Wire",
        ),
        (MessageOriginUser(WHEN, User(9, "Boris", False, last_name="K")), "Telegram: Boris K"),
        (MessageOriginHiddenUser(WHEN, "Hidden Person"), "Telegram: Hidden Person"),
    ],
)
def test_source_names_the_forwarded_origin_or_the_chat(origin, expected):
    assert source_of(message(origin=origin)) == expected


def test_group_message_source_is_the_group_title():
    group = Chat(-5, Chat.SUPERGROUP, title="Analyst Desk")

    assert source_of(message(chat=group)) == "Telegram: Analyst Desk"
