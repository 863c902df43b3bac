"""Updates of different chats are handled concurrently, one chat's in order, and a long flood
wait in one chat stalls only that chat."""

from __future__ import annotations

import logging

import pytest

from tests.handlers.live import live_bot
from tests.pageserver import PageServer

SLOW_CHAT = 601
OTHER_CHAT = 602
FETCH_TIMEOUT_S = 3.0


@pytest.fixture
def pages():
    with PageServer() as server:
        yield server


@pytest.fixture
async def live(fake, sqlite_store, fake_matcher):
    async with live_bot(
        fake,
        sqlite_store,
        fake_matcher,
        fetch_allowed_networks=["127.0.0.0/8"],
        fetch_read_timeout_s=FETCH_TIMEOUT_S,
        fetch_total_timeout_s=FETCH_TIMEOUT_S,
    ) as running:
        yield running


async def test_a_slow_link_in_one_chat_does_not_delay_another_chats_start(live, fake, pages):
    fake.send_text(SLOW_CHAT, pages.stalled("/slow"))
    await live.wait_for(lambda: pages.requests_to("/slow") != [])

    [welcome] = await live.send_and_wait(OTHER_CHAT, "/start", timeout=FETCH_TIMEOUT_S - 1)

    assert "digestbot" in welcome.plain_text
    assert fake.messages(SLOW_CHAT) == []  # the link is still being fetched


async def test_one_chats_updates_are_answered_in_the_order_they_came(live, fake, pages):
    fake.send_text(SLOW_CHAT, pages.stalled("/slow"))

    link_answer, welcome = await live.send_and_wait(SLOW_CHAT, "/start", count=2, timeout=15)

    assert "digestbot" not in link_answer.plain_text  # why the page could not be stored
    assert "digestbot" in welcome.plain_text


async def test_a_long_flood_wait_in_one_chat_does_not_pause_the_others(live, fake, caplog):
    fake.fail_next("sendMessage", "429", chat_id=SLOW_CHAT, retry_after=60)
    caplog.set_level(logging.WARNING)
    fake.send_text(SLOW_CHAT, "/start")
    await live.wait_for(lambda: [c.status for c in fake.calls("sendMessage")] == [429])

    [welcome] = await live.send_and_wait(OTHER_CHAT, "/start", timeout=3)
    fake.send_text(SLOW_CHAT, "/help")  # fails at once: the chat must still wait
    await live.wait_for(lambda: caplog.text.count("is flood-limited") == 2)

    assert "digestbot" in welcome.plain_text
    assert fake.messages(SLOW_CHAT) == []
    assert [str(c.params["chat_id"]) for c in fake.calls("sendMessage")] == [
        str(SLOW_CHAT),
        str(OTHER_CHAT),
    ]
    assert "Telegram asks to wait 60 s" in caplog.text
