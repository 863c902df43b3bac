"""Access rules: the defaults keep the bot usable; admins and the allowlist narrow it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update, User

from bot.config import Settings
from bot.telegram.handlers.access import article_refusal, chat_allowed, feed_refusal

WHEN = datetime(2024, 11, 4, tzinfo=UTC)


def from_user(user_id: int) -> Update:
    chat = Chat(user_id, Chat.PRIVATE, first_name="U")
    message = Message(1, WHEN, chat, from_user=User(user_id, "U", False), text="hi")
    return Update(1, message=message)


def channel_post() -> Update:
    chat = Chat(-100777, Chat.CHANNEL, title="Desk Wire")
    return Update(1, channel_post=Message(1, WHEN, chat, sender_chat=chat, text="post"))


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


def test_by_default_everyone_adds_articles_and_nobody_manages_feeds():
    defaults = settings()

    assert chat_allowed(defaults, 42)
    assert article_refusal(from_user(42), defaults, "en") is None
    assert "none is configured" in feed_refusal(from_user(42), defaults, "en")


def test_with_admins_only_they_add_articles_and_manage_feeds():
    configured = settings(admins=[7])

    assert article_refusal(from_user(7), configured, "en") is None
    assert feed_refusal(from_user(7), configured, "en") is None
    assert "Only the bot's administrators" in article_refusal(from_user(8), configured, "en")
    assert "Only the bot's administrators" in feed_refusal(from_user(8), configured, "en")


def test_channel_posts_need_no_user_to_add_articles():
    assert article_refusal(channel_post(), settings(admins=[7]), "en") is None


@pytest.mark.parametrize(("chat_id", "allowed"), [(7, True), (-100777, True), (8, False)])
def test_allowlist_names_the_chats_that_may_use_the_bot(chat_id, allowed):
    assert chat_allowed(settings(allowed_chats=[7, -100777]), chat_id) is allowed


@pytest.mark.parametrize(
    ("values", "allowed"),
    [
        ({}, True),
        ({"admins": [7]}, False),
        ({"allowed_chats": [7]}, False),
        ({"admins": [7], "allowed_channels": [-100777]}, True),
        ({"admins": [7], "allowed_chats": [-100777]}, True),
        ({"allowed_chats": [7], "allowed_channels": [-100777]}, True),
    ],
)
def test_a_channel_must_be_listed_once_admins_or_allowed_chats_are_set(values, allowed):
    assert chat_allowed(settings(**values), -100777, Chat.CHANNEL) is allowed
