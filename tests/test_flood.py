"""The rate limiter: short flood waits are sat out, a long one fails its chat's requests at once
and leaves the other chats alone."""

from __future__ import annotations

import time

import pytest
from telegram.error import RetryAfter

from bot.telegram.flood import FloodLimiter, retry_after_s


class FloodedApi:
    """Answers each call with the next of `answers` (an exception is raised), then "ok"."""

    def __init__(self, *answers: Exception) -> None:
        self.answers = list(answers)
        self.calls: list[str] = []

    async def post(self, endpoint: str, chat_id: int) -> str:
        self.calls.append(f"{endpoint} {chat_id}")
        if self.answers:
            raise self.answers.pop(0)
        return "ok"


async def send(limiter: FloodLimiter, api: FloodedApi, chat_id: int, endpoint="sendMessage"):
    return await limiter.process_request(
        api.post, (endpoint, chat_id), {}, endpoint, {"chat_id": chat_id}, None
    )


async def test_a_short_flood_wait_is_sat_out_and_the_request_retried():
    limiter, api = FloodLimiter(max_retries=2, max_shared_wait_s=5), FloodedApi(RetryAfter(1))
    started = time.monotonic()

    assert await send(limiter, api, 7) == "ok"

    assert api.calls == ["sendMessage 7", "sendMessage 7"]
    assert time.monotonic() - started >= 1


async def test_a_long_flood_wait_fails_that_chat_at_once_and_only_that_chat():
    limiter, api = FloodLimiter(max_retries=2, max_shared_wait_s=5), FloodedApi(RetryAfter(60))
    started = time.monotonic()

    with pytest.raises(RetryAfter):
        await send(limiter, api, 7)
    with pytest.raises(RetryAfter) as again:
        await send(limiter, api, 7)
    assert await send(limiter, api, 8) == "ok"

    assert api.calls == ["sendMessage 7", "sendMessage 8"]  # the second try never left
    assert 58 <= retry_after_s(again.value) <= 60
    assert time.monotonic() - started < 1


async def test_reading_a_chat_member_is_not_paced_behind_the_groups_messages():
    limiter, api = FloodLimiter(group_max_rate=1, group_time_period=60), FloodedApi()
    started = time.monotonic()

    await send(limiter, api, -100)
    await send(limiter, api, -100, endpoint="getChatMember")

    assert time.monotonic() - started < 1
