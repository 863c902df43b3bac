"""In a forum supergroup the bot answers in the topic it was asked in, not in General."""

from __future__ import annotations

from tests.handlers.live import live_bot

FORUM = -100900
THREAD = 17


async def test_a_digest_asked_in_a_forum_topic_is_answered_in_that_topic(
    fake, sqlite_store, fake_matcher
):
    async with live_bot(fake, sqlite_store, fake_matcher) as live:
        [answer] = await live.send_and_wait(
            FORUM, "/digest russia", chat_type="supergroup", message_thread_id=THREAD
        )
        [refusal] = await live.send_and_wait(
            FORUM, "/subscribe russia", chat_type="supergroup", message_thread_id=THREAD
        )

    assert answer.plain_text.startswith("No articles about russia")
    assert answer.message_thread_id == THREAD
    assert "only this group's admins" in refusal.plain_text
    assert refusal.message_thread_id == THREAD
    [typing] = fake.calls("sendChatAction")
    assert typing.params["message_thread_id"] == THREAD
