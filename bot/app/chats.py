"""A chat's time zone and language. The time zone is read (a chat is created on first use, in
the `default_timezone`) and set by IANA name, which moves the chat's subscriptions' next runs to
the new zone. The language of the bot's texts is the one chosen with /language, else (private
chats) the user's Telegram language where the bot has its texts, else English."""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from bot.config import Settings
from bot.core.schedule import next_run, parse_schedule
from bot.core.texts import user_text
from bot.render.formatting import shorten
from bot.render.i18n import DEFAULT_LANGUAGE, supported_language
from bot.store import Store

TIMEZONE_EXAMPLES = "Europe/Berlin, America/New_York, Asia/Tokyo or UTC"
MAX_QUOTED_CHARS = 64  # of a user's text quoted back in an answer


def resolve_timezone(name: str) -> str:
    """The IANA name for `name` (case-insensitive); ValueError with examples if there is none
    (quoting at most `MAX_QUOTED_CHARS` of `name`)."""
    known = _zone_names().get(name.strip().lower())
    if known is not None:
        return known
    raise ValueError(
        user_text(
            "I don't know the time zone {name}. Use an IANA name such as {examples} "
            "(list: https://en.wikipedia.org/wiki/List_of_tz_database_time_zones).",
            name=repr(shorten(name.strip(), MAX_QUOTED_CHARS)),
            examples=TIMEZONE_EXAMPLES,
        )
    )


@functools.cache
def _zone_names() -> dict[str, str]:
    """IANA zone names by their lower case (read once: listing them walks the tz database)."""
    return {name.lower(): name for name in available_timezones()}


def chat_timezone(store: Store, settings: Settings, chat_id: int) -> str:
    """The chat's time zone; a chat new to the store is created in `default_timezone`."""
    return store.chats.ensure(chat_id, timezone=settings.default_timezone)


def set_timezone(
    store: Store, settings: Settings, chat_id: int, name: str, *, now: datetime
) -> tuple[str, bool]:
    """Set the chat's time zone to the one `name` names (`resolve_timezone`: ValueError when
    none) and move each subscription's next run to its schedule in that zone (an "every"
    schedule keeps its beat). Returns the IANA name and whether any subscription moved."""
    chat_timezone(store, settings, chat_id)
    zone_name = resolve_timezone(name)
    zone = ZoneInfo(zone_name)
    rescheduled = store.chats.set_timezone(
        chat_id,
        zone_name,
        lambda s: next_run(parse_schedule(s.schedule), now, zone, anchor=s.next_run_at),
    )
    return zone_name, bool(rescheduled)


def chat_language(
    store: Store, settings: Settings, chat_id: int, user_language: str | None = None
) -> str:
    """The language of the bot's texts in a chat. With none chosen, `user_language` (the
    Telegram language of a private chat's user) decides when the bot speaks it, and is kept as
    the chat's (its pushes follow it); else `unset_language`."""
    chosen = supported_language(store.chats.language(chat_id))
    if chosen:
        return chosen
    language = supported_language(user_language)
    if language is None:
        return unset_language(settings, chat_id)
    store.chats.ensure(chat_id, timezone=settings.default_timezone, language=language)
    return language


def unset_language(settings: Settings, chat_id: int) -> str:
    """The language of a chat that chose none: `default_language` in a group or channel (their
    Telegram ids are negative), English in a private chat."""
    return settings.default_language if chat_id < 0 else DEFAULT_LANGUAGE


def set_chat_language(store: Store, settings: Settings, chat_id: int, code: str) -> str | None:
    """Set the chat's language to the one `code` names ("de", "de-AT"); None (and nothing
    changed) when the bot has no texts in it."""
    language = supported_language(code.strip())
    if language is not None:
        chat_timezone(store, settings, chat_id)
        store.chats.set_language(chat_id, language)
    return language
