"""End to end: the buttons under a pushed digest — "Full summary" edits the message in place and
back, "Unsubscribe" ends the pushes, "Pause" holds them; stale and foreign button data get a
polite answer. A digest subscribed in a forum topic is pushed into that topic."""

from __future__ import annotations

import pytest

from bot.sandbox.fakebot import FakeBotAPI
from tests.e2e.harness import FIXTURES, BotProcess

pytestmark = pytest.mark.e2e

CHAT = 5001
TITLE = "Kremlin Tightens Grip on Gas Exports"


@pytest.fixture
def bot(fake, tmp_path):
    with BotProcess(fake, tmp_path, push_summary_chars="60") as process:
        yield process


def pushed_digest(fake: FakeBotAPI, chat_id: int = CHAT, **where):
    fake.send_and_wait(chat_id, "/subscribe russia every 2s", timeout=15, **where)
    [stored] = fake.send_and_wait(1, (FIXTURES / "kremlin_energy.txt").read_text(), timeout=30)
    fake.wait_for(
        lambda: "Summarizing" not in fake.messages(1)[-1].plain_text, timeout=120, what="summary"
    )
    full_summary = fake.messages(1)[-1].plain_text.split("\n\n", 1)[1]
    fake.wait_for(lambda: digest_messages(fake, chat_id), timeout=60, what="the push")
    [digest] = digest_messages(fake, chat_id)
    return digest, full_summary


def digest_messages(fake: FakeBotAPI, chat_id: int = CHAT):
    return [m for m in fake.messages(chat_id) if m.plain_text.startswith("Digest: russia")]


def message(fake: FakeBotAPI, message_id: int, chat_id: int = CHAT):
    return next(m for m in fake.messages(chat_id) if m.message_id == message_id)


def press(fake: FakeBotAPI, message_id: int, data: str, chat_id: int = CHAT, **kwargs) -> dict:
    update_id = fake.press_button(chat_id, message_id, data, **kwargs)
    fake.wait_for(lambda: fake.callback_answer(update_id) is not None, what=f"answer to {data}")
    return fake.callback_answer(update_id)


def test_full_summary_shows_the_article_whole_in_place_and_back_restores_the_digest(fake, bot):
    digest, full_summary = pushed_digest(fake)
    assert TITLE in digest.plain_text and full_summary not in digest.plain_text
    full, pause, unsubscribe = digest.button_data()
    assert full.startswith("f:") and pause.startswith("h:") and unsubscribe.startswith("u:")

    press(fake, digest.message_id, full)
    fake.wait_for(lambda: message(fake, digest.message_id).edit_date is not None)
    shown = message(fake, digest.message_id)
    assert shown.plain_text.startswith(TITLE) and full_summary in shown.plain_text
    [back, _] = shown.button_data()

    press(fake, digest.message_id, back)
    fake.wait_for(lambda: message(fake, digest.message_id).plain_text == digest.plain_text)
    assert message(fake, digest.message_id).button_data() == [full, pause, unsubscribe]


def test_unsubscribe_button_ends_the_subscription_and_removes_the_buttons(fake, bot):
    digest, _ = pushed_digest(fake)
    full, _, unsubscribe = digest.button_data()

    answer = press(fake, digest.message_id, unsubscribe)

    assert answer["text"] == "Unsubscribed from russia."
    fake.wait_for(lambda: message(fake, digest.message_id).button_data() == [])
    [listing] = fake.send_and_wait(CHAT, "/subscriptions", timeout=15)
    assert listing.plain_text.startswith("No subscriptions yet")

    stale = press(fake, digest.message_id, unsubscribe, strict=False)
    assert "no longer subscribed" in stale["text"]
    gone = press(fake, digest.message_id, full, strict=False)
    assert gone["text"] == "This digest is no longer available."
    forged = press(fake, digest.message_id, "delete_everything", strict=False)
    assert "not one of mine" in forged["text"]


def test_a_digest_subscribed_in_a_forum_topic_is_pushed_there_and_its_pause_holds_it(fake, bot):
    forum, thread = -100900, 17
    fake.set_admins(forum, [4242])
    digest, _ = pushed_digest(fake, forum, chat_type="supergroup", message_thread_id=thread)
    assert digest.message_thread_id == thread
    pause = next(d for d in digest.button_data() if d.startswith("h:"))

    answer = press(fake, digest.message_id, pause, chat_id=forum)

    assert answer["text"] == "Paused russia: no pushes until you resume it."
    [listing] = fake.send_and_wait(
        forum, "/subscriptions", chat_type="supergroup", message_thread_id=thread, timeout=15
    )
    assert "paused since" in listing.plain_text and listing.message_thread_id == thread
