"""Dates as users read them, one way everywhere whatever the process's locale, in the chat's
language: "4 Nov 2024", "3 Nov – 10 Nov 2024" (a digest's period), "Mon 4 Nov 09:00" (a next
digest); in German "4. Nov. 2024" and "Mo., 4. Nov. 09:00". The patterns are CLDR date
patterns, translated in the catalog; Babel fills in the month and weekday names."""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from babel.dates import format_date, format_datetime

from bot.render.i18n import DEFAULT_LANGUAGE, supported_language, tr


def shown_date(moment: date, *, language: str, year: bool = True) -> str:
    """The day as "4 Nov 2024", or "4 Nov" without the year."""
    # NOTE: CLDR date patterns (d day, MMM short month name, y year); keep the letters.
    pattern = tr(language, "d MMM y") if year else tr(language, "d MMM")
    return format_date(moment, pattern, locale=_locale(language))


def shown_period(first: date, last: date, *, language: str) -> str:
    """Two days as one span, the year written only where needed: "3 Nov – 10 Nov 2024"."""
    if first == last:
        return shown_date(first, language=language)
    start = shown_date(first, year=first.year != last.year, language=language)
    return f"{start} – {shown_date(last, language=language)}"


def shown_time(moment: datetime, tz: tzinfo, *, language: str) -> str:
    """A moment in `tz` as "Mon 4 Nov 09:00"."""
    # NOTE: a CLDR pattern (EEE short weekday, d day, MMM short month, HH:mm the time).
    pattern = tr(language, "EEE d MMM HH:mm")
    return format_datetime(moment, pattern, tzinfo=tz, locale=_locale(language))


def _locale(language: str) -> str:
    return supported_language(language) or DEFAULT_LANGUAGE
