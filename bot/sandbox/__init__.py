"""Trying digestbot without Telegram: a local Telegram stand-in, the real bot process against it
(`process`), and a web chat to use it (`webchat`, `demo`: the `digestbot demo` command)."""
