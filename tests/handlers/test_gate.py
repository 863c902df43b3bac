"""The access gate through the running application: channels need listing once the bot is
narrowed to admins or chats, and refused button presses are answered."""

from __future__ import annotations

import logging

from bot.telegram.keyboards import digest_markup
from tests.handlers.live import live_bot
from tests.tables import count_articles

ADMIN = 801
CHANNEL = -100777
ARTICLE = (
    "Russia expanded its gas exports to Asia this year, officials said on Monday. Russian "
    "officials in Moscow said the Kremlin wants Russia to sell more gas to China and India. "
    "Russia signed new contracts with buyers across the region, the ministry said."
)


async def test_with_admins_set_an_unlisted_channel_adds_nothing_and_cannot_subscribe(
    fake, sqlite_store, fake_matcher, caplog
):
    caplog.set_level(logging.INFO)
    async with live_bot(fake, sqlite_store, fake_matcher, admins=[ADMIN]) as live:
        fake.channel_post(CHANNEL, ARTICLE, title="Anyone's Channel")
        fake.channel_post(CHANNEL, "/subscribe russia", title="Anyone's Channel")
        await live.wait_for(lambda: caplog.text.count("is not in allowed_channels") == 2)

    assert count_articles(sqlite_store) == 0
    assert sqlite_store.chats.subscriptions(CHANNEL) == []
    assert fake.messages(CHANNEL) == []


async def test_a_channel_listed_in_allowed_channels_adds_posts_and_subscribes(
    fake, sqlite_store, fake_matcher
):
    settings = {"admins": [ADMIN], "allowed_channels": [CHANNEL]}
    async with live_bot(fake, sqlite_store, fake_matcher, **settings) as live:
        fake.channel_post(CHANNEL, ARTICLE, title="Desk Wire")
        fake.channel_post(CHANNEL, "/subscribe russia", title="Desk Wire")
        await live.wait_for(lambda: len(fake.messages(CHANNEL)) == 1)
        await live.wait_for(lambda: count_articles(sqlite_store) == 1)

    [reply] = fake.messages(CHANNEL)
    assert reply.plain_text.startswith("Subscribed to russia")


async def test_a_button_pressed_in_a_chat_outside_allowed_chats_is_answered(
    fake, sqlite_store, fake_matcher
):
    stranger = 802
    fake.add_chat(stranger)
    async with live_bot(fake, sqlite_store, fake_matcher, allowed_chats=[ADMIN]) as live:
        sent = await live.application.bot.send_message(
            stranger, "An old digest", reply_markup=digest_markup(1, 0, [], 1)
        )
        pressed = fake.press_button(stranger, sent.message_id, "u:1")
        answer = await live.answer_to(pressed)

    assert "private to its desk's chats" in answer["text"] and str(stranger) in answer["text"]
    assert [m.text for m in fake.messages(stranger)] == ["An old digest"]  # nothing posted
