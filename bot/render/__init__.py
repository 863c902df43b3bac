"""Rendering: digests and replies as Telegram HTML text, split to Telegram's message limits."""
