"""/subscribe through the running application: schedules read from the words after the topic,
and the limits on how often and how many."""

from __future__ import annotations

import pytest

from tests.handlers.live import live_bot

CHAT = 701


async def ask(live, text: str, chat_id: int = CHAT) -> str:
    [reply] = await live.send_and_wait(chat_id, text)
    return reply.plain_text


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("/subscribe russia at 9am", "Subscribed to russia: daily 09:00"),
        ("/subscribe russia weekdays 08:00", "Subscribed to russia: weekdays 08:00"),
        ("/subscribe russia mon,wed,fri 09:00", "Subscribed to russia: Mon, Wed, Fri 09:00"),
        ("/subscribe russia hourly", "Subscribed to russia: every 1 h"),
    ],
)
async def test_schedule_words_are_the_schedule_not_the_topic(live, command, answer):
    assert (await ask(live, command)).startswith(answer)
    assert [s.topic for s in live.services.store.chats.subscriptions(CHAT)] == ["russia"]


@pytest.mark.parametrize(
    "command",
    [
        "/subscribe russia at 25:00",
        "/subscribe russia mon-fri",
        "/subscribe x every 999999999999s",  # once a crash ("Something went wrong")
    ],
)
async def test_a_schedule_that_does_not_parse_is_refused_with_the_forms(live, command):
    reply = await ask(live, command)

    assert reply.startswith("Can't read the schedule")
    assert "'weekdays 08:00'" in reply and "'at 9am'" in reply
    assert live.services.store.chats.subscriptions(CHAT) == []


async def test_a_schedule_more_often_than_the_minimum_is_refused(live):
    reply = await ask(live, "/subscribe russia every 1s")

    assert "too often: the shortest schedule is every 15 min" in reply
    assert live.services.store.chats.subscriptions(CHAT) == []
    assert (await ask(live, "/subscribe russia every 15m")).startswith(
        "Subscribed to russia: every 15 min"
    )


async def test_a_chat_at_its_subscription_cap_is_refused_new_topics_but_may_reschedule(
    fake, sqlite_store, fake_matcher
):
    async with live_bot(fake, sqlite_store, fake_matcher, max_subscriptions_per_chat=2) as live:
        await ask(live, "/subscribe russia")
        await ask(live, "/subscribe china")

        refused = await ask(live, "/subscribe gas")
        rescheduled = await ask(live, "/subscribe china daily 07:00")

    assert "follows 2 topics, the most it may. /unsubscribe one first" in refused
    assert rescheduled.startswith("New schedule for china: daily 07:00")
    assert [s.topic for s in sqlite_store.chats.subscriptions(CHAT)] == ["china", "russia"]


async def test_a_very_long_unknown_time_zone_is_refused_not_echoed_past_telegrams_limit(live):
    reply = await ask(live, "/timezone " + "x" * 4000)

    assert reply.startswith("I don't know the time zone 'xxx")
    assert len(reply) < 300
