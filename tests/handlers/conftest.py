"""Fixtures of the handler tests that run the real application against the fake Bot API."""

import pytest

from bot.sandbox.fakebot import FakeBotAPI
from tests.handlers.live import live_bot


@pytest.fixture
def fake():
    """The fake Telegram Bot API on 127.0.0.1."""
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def live(fake, sqlite_store, fake_matcher):
    """The real application, in this process, polling `fake` (a test file may override it)."""
    async with live_bot(fake, sqlite_store, fake_matcher) as running:
        yield running
