"""A fake Telegram Bot API server for end-to-end tests (see server.py)."""

from tests.fakebot.records import ApiCall, RateLimits, SentMessage
from tests.fakebot.server import DEFAULT_TOKEN, FakeBotAPI

__all__ = ["DEFAULT_TOKEN", "ApiCall", "FakeBotAPI", "RateLimits", "SentMessage"]
