"""In a forum supergroup the bot answers in the topic it was asked in, not in General: /digest
and its typing action, /subscribe and its pushes, /pause and the buttons' answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.pushes import deliver_due
from bot.app.summaries import process_batch
from bot.core.domain import ArticleDraft
from bot.telegram.handlers.context import SENDER_KEY
from tests.handlers.live import live_bot
from tests.pushes import RUSSIA

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


ADMIN = 4242  # the fake's default sender in groups


async def subscribe_in_thread(live, fake) -> None:
    """An admin subscribes to russia in the forum topic; one article about it is stored."""
    fake.set_admins(FORUM, [ADMIN])
    [answer] = await live.send_and_wait(
        FORUM, "/subscribe russia silent=on", chat_type="supergroup", message_thread_id=THREAD
    )
    assert answer.plain_text.startswith("Subscribed to russia")
    assert answer.message_thread_id == THREAD
    store_russia_article(live)


async def test_a_push_goes_into_the_forum_topic_it_was_subscribed_in(live, fake):
    await subscribe_in_thread(live, fake)

    await push_now(live)

    [_, push] = fake.messages(FORUM)
    assert push.plain_text.startswith("Digest: russia")
    assert (push.message_thread_id, push.disable_notification) == (THREAD, True)


async def test_pause_under_a_push_in_a_topic_pauses_it_and_turns_into_resume(live, fake):
    await subscribe_in_thread(live, fake)
    await push_now(live)
    [_, push] = fake.messages(FORUM)
    [pause] = [d for d in push.button_data() if d.startswith("h:")]

    answer = await live.answer_to(fake.press_button(FORUM, push.message_id, pause))

    assert answer["text"] == "Paused russia: no pushes until you resume it."
    [subscription] = live.services.store.chats.subscriptions(FORUM)
    assert subscription.paused
    [edited] = [m for m in fake.messages(FORUM) if m.message_id == push.message_id]
    assert edited.message_thread_id == THREAD
    [resume] = [d for d in edited.button_data() if d.startswith("r:")]

    answer = await live.answer_to(fake.press_button(FORUM, push.message_id, resume))

    assert answer["text"].startswith("Resumed russia: next digest")
    assert not live.services.store.chats.subscriptions(FORUM)[0].paused


async def test_pause_asked_in_a_topic_is_confirmed_there_with_a_resume_button(live, fake):
    await subscribe_in_thread(live, fake)

    [confirmation] = await live.send_and_wait(
        FORUM, "/pause", chat_type="supergroup", message_thread_id=THREAD
    )
    [resume] = confirmation.button_data()
    answer = await live.answer_to(fake.press_button(FORUM, confirmation.message_id, resume))

    assert confirmation.plain_text == "Paused russia: no pushes until /resume."
    assert confirmation.message_thread_id == THREAD
    assert answer["text"].startswith("Resumed russia")
    [edited] = [m for m in fake.messages(FORUM) if m.message_id == confirmation.message_id]
    assert [b["text"] for row in edited.reply_markup["inline_keyboard"] for b in row] == [
        "Pause russia"
    ]


async def test_a_member_who_is_not_an_admin_cannot_pause_a_topic(live, fake):
    await subscribe_in_thread(live, fake)
    await push_now(live)
    [_, push] = fake.messages(FORUM)
    [pause] = [d for d in push.button_data() if d.startswith("h:")]

    [refusal] = await live.send_and_wait(
        FORUM, "/pause russia", chat_type="supergroup", message_thread_id=THREAD, user_id=77
    )
    answer = await live.answer_to(fake.press_button(FORUM, push.message_id, pause, user_id=77))

    assert "only this group's admins" in refusal.plain_text
    assert refusal.message_thread_id == THREAD
    assert "only this group's admins" in answer["text"]
    assert not live.services.store.chats.subscriptions(FORUM)[0].paused


def store_russia_article(live) -> None:
    store = live.services.store
    store.articles.add(
        ArticleDraft(title="Russia gas exports", text=RUSSIA, source="wire.txt"),
        fingerprint="russia",
        received_at=datetime.now(UTC),
    )
    process_batch(store, live.services.summarizer, live.services.matcher, limit=10)


async def push_now(live) -> None:
    """Make every subscription due now (as if it were time) and run the pushes."""
    store = live.services.store
    past = datetime.now(UTC) - timedelta(hours=1)
    for subscription in store.chats.subscriptions(FORUM):
        store.chats.set_schedule(subscription.id, schedule=subscription.schedule, next_run_at=past)
    sender = live.application.bot_data[SENDER_KEY]
    assert await deliver_due(live.services, sender, now=datetime.now(UTC)) == 1
