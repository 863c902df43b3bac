"""A fake Telegram Bot API server for end-to-end tests (see server.py)."""

from bot.sandbox.fakebot.records import ApiCall, RateLimits, SentMessage
from bot.sandbox.fakebot.server import DEFAULT_TOKEN, FakeBotAPI
from bot.sandbox.fakebot.webhook import WebhookPost

__all__ = ["DEFAULT_TOKEN", "ApiCall", "FakeBotAPI", "RateLimits", "SentMessage", "WebhookPost"]
