"""The Telegram edge's metrics through the running application and the fake Bot API: updates by
outcome and latency, Bot API calls by status, 429 waits."""

from __future__ import annotations

from tests.handlers.live import live_bot
from tests.metrics import sample

CHAT = 501


async def test_a_handled_update_is_counted_and_timed(live):
    handled = sample("digestbot_updates_total", outcome="handled")
    timed = sample("digestbot_update_duration_seconds_count")
    calls = sample("digestbot_telegram_calls_total", method="sendMessage", status="ok")

    await live.send_and_wait(CHAT, "/help")
    await live.wait_for(lambda: sample("digestbot_updates_total", outcome="handled") > handled)

    assert sample("digestbot_updates_total", outcome="handled") == handled + 1
    assert sample("digestbot_update_duration_seconds_count") == timed + 1
    assert sample("digestbot_telegram_calls_total", method="sendMessage", status="ok") >= calls + 1


async def test_an_update_from_a_chat_outside_allowed_chats_is_counted_refused(
    fake, sqlite_store, fake_matcher
):
    refused = sample("digestbot_updates_total", outcome="refused")
    async with live_bot(fake, sqlite_store, fake_matcher, allowed_chats=[CHAT + 1]) as live:
        await live.send_and_wait(CHAT, "/help")
        await live.wait_for(lambda: sample("digestbot_updates_total", outcome="refused") > refused)

    assert sample("digestbot_updates_total", outcome="refused") == refused + 1


async def test_a_handler_that_fails_counts_its_update_failed_and_its_call_by_error(fake, live):
    failed = sample("digestbot_updates_total", outcome="failed")
    refusals = sample("digestbot_telegram_calls_total", method="sendMessage", status="BadRequest")
    fake.fail_next("sendMessage", "400", description="Bad Request: message thread not found")

    [apology] = await live.send_and_wait(CHAT, "/help")
    await live.wait_for(lambda: sample("digestbot_updates_total", outcome="failed") > failed)

    assert "Something went wrong" in apology.text
    assert sample("digestbot_updates_total", outcome="failed") == failed + 1
    assert (
        sample("digestbot_telegram_calls_total", method="sendMessage", status="BadRequest")
        == refusals + 1
    )


async def test_a_429_is_counted_as_a_shared_flood_wait_with_its_seconds(fake, live):
    waits = sample("digestbot_telegram_flood_waits_total", scope="shared")
    seconds = sample("digestbot_telegram_flood_wait_seconds_total", scope="shared")
    answered_429 = sample(
        "digestbot_telegram_calls_total", method="sendMessage", status="RetryAfter"
    )
    fake.fail_next("sendMessage", "429", chat_id=CHAT, retry_after=1)

    await live.send_and_wait(CHAT, "/help")

    assert sample("digestbot_telegram_flood_waits_total", scope="shared") == waits + 1
    assert sample("digestbot_telegram_flood_wait_seconds_total", scope="shared") == seconds + 1
    assert (
        sample("digestbot_telegram_calls_total", method="sendMessage", status="RetryAfter")
        == answered_429 + 1
    )


async def test_a_long_429_is_counted_as_a_wait_of_its_chat_alone(fake, live):
    waits = sample("digestbot_telegram_flood_waits_total", scope="chat")
    seconds = sample("digestbot_telegram_flood_wait_seconds_total", scope="chat")
    fake.fail_next("sendMessage", "429", chat_id=CHAT, retry_after=60)

    fake.send_text(CHAT, "/help")
    await live.wait_for(
        lambda: sample("digestbot_telegram_flood_waits_total", scope="chat") > waits
    )

    assert sample("digestbot_telegram_flood_wait_seconds_total", scope="chat") == seconds + 60
