"""The Telegram edge: the only package that imports python-telegram-bot (application, handlers,
jobs, inline keyboards, rate limiting and the per-chat update order)."""
