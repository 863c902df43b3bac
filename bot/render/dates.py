"""Dates as users read them, one way everywhere and in English whatever the process's locale:
"4 Nov 2024", "3 – 10 Nov 2024" (a digest's period), "Mon 4 Nov 09:00" (a next digest)."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from bot.core.schedule import WEEKDAYS

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def shown_date(moment: date, *, year: bool = True) -> str:
    """The day as "4 Nov 2024", or "4 Nov" without the year."""
    day = f"{moment.day} {MONTHS[moment.month - 1]}"
    return f"{day} {moment.year}" if year else day


def shown_period(first: date, last: date) -> str:
    """Two days as one span, the year written only where needed: "3 – 10 Nov 2024"."""
    if first == last:
        return shown_date(first)
    return f"{shown_date(first, year=first.year != last.year)} – {shown_date(last)}"


def shown_time(moment: datetime, tz: tzinfo) -> str:
    """A moment in `tz` as "Mon 4 Nov 09:00"."""
    local = moment.astimezone(tz)
    weekday = WEEKDAYS[local.weekday()][:3].capitalize()
    return f"{weekday} {shown_date(local, year=False)} {local:%H:%M}"
