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

from bot.telegram.handlers.articles import link_to_fetch, source_of

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


@pytest.mark.parametrize(
    ("text", "link"),
    [
        ("https://example.org/story", "https://example.org/story"),
        ("Read this: https://example.org/a?b=1).", "https://example.org/a?b=1"),
        ("no link here", None),
        (
            "A long pasted article that mentions https://example.org/ref in passing, with "
            "more than twenty words of its own text around the link so that it is itself "
            "the article to store.",
            None,
        ),
    ],
)
def test_a_message_is_a_link_to_fetch_only_when_little_text_surrounds_it(text, link):
    assert link_to_fetch(text) == link
