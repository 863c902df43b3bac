"""A chat's time zone: read (a chat is created on first use, in the `default_timezone`) and
set by IANA name, which moves the chat's subscriptions' next runs to the new zone."""

from __future__ import annotations

import functools
from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from bot.config import Settings
from bot.core.schedule import next_run, parse_schedule
from bot.render.formatting import shorten
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
        f"I don't know the time zone {shorten(name.strip(), MAX_QUOTED_CHARS)!r}. Use an IANA "
        f"name such as {TIMEZONE_EXAMPLES} "
        "(list: https://en.wikipedia.org/wiki/List_of_tz_database_time_zones)."
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
