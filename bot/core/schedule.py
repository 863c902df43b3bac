"""When a subscription's digest is due.

Forms (case-insensitive; commas and spaces are alike):

    daily 07:30   daily at 7:30am   at 9am   09:00      every day at a time
    weekdays 08:00   weekends at 10am   mon,wed,fri 09:00   mon-fri 8pm
                                                         on those days at a time
    weekly mon 09:00   weekly friday at 6pm   every monday at 9am
                                                         one day (or several) a week
    hourly   every 30m   every 10 s   every 2 hours     on a grid (1 s to 31 days)

A time is 24-hour (``09:00``, ``9:00``) or 12-hour (``9am``, ``9:30 pm``, ``12am`` = 00:00);
after "at" a bare hour (``at 9``) is read as 24-hour. Days are names, full or short (mon … sun),
ranges (``mon-fri``, ``fri-mon`` wraps), ``weekdays`` and ``weekends``; all seven make a daily
schedule. `schedule_start` tells where a schedule begins in `/subscribe`'s words, so a word that
looks like a schedule but does not parse is an error naming these forms rather than part of the
topic.

`next_run` gives the first scheduled instant *strictly after* a given one, as aware UTC:
- weekly and daily times are wall-clock times in the subscription's time zone, so a 09:00 Berlin
  slot is 08:00 UTC in winter and 07:00 UTC in summer;
- a time that does not exist that day (a spring-forward gap) moves forward to the first valid
  instant, the end of the gap (02:30 in New York on the spring DST day runs at 03:00);
- a time that occurs twice (fall-back) runs once, at its first occurrence (``fold=0``) — unlike
  cron-style triggers (APScheduler's, croniter's), which fire twice that night;
- ``every`` runs on a grid ``anchor + k * every``, so a restarted bot keeps the same beat.

How delivery uses it: the database is the schedule. A ticker claims subscriptions whose stored
``next_run_at`` is not after now, delivers, then stores ``next_run(schedule, now, tz)``. Because
the next run is computed from *now* and not from the slot that was due, a digest missed while the
bot was down is sent once when it comes back; missed slots are not caught up one by one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal, TypeVar

from bot.core.texts import UserText, user_text

_T = TypeVar("_T")
# Monday first, as `date.weekday()` counts
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_NUMBERS = {name: n for n, full in enumerate(WEEKDAYS) for name in (full, full[:3])}
_DAY_GROUPS = {
    "weekdays": (0, 1, 2, 3, 4), "weekday": (0, 1, 2, 3, 4),
    "weekends": (5, 6), "weekend": (5, 6),
}  # fmt: skip
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
_UNIT_NAMES = {
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
}  # fmt: skip
MAX_EVERY = timedelta(days=31)
_KINDS = ("weekly", "daily", "every", "hourly")
_TIME_24 = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_TIME_12 = re.compile(r"(1[0-2]|0?[1-9])(?::([0-5]\d))?([ap])m")
_HOUR = re.compile(r"[01]?\d|2[0-3]")
_LOOKS_LIKE_TIME = re.compile(r"\d{1,2}(?::\d{1,2})?(?:am|pm)|\d{1,2}:\d{1,2}")
_AM_PM = re.compile(r"(\d)\s*([ap])\.?m\b\.?")
_AM_PM_WORD = re.compile(r"[ap]\.?m\.?")
_INTERVAL = re.compile(r"(\d{1,12})\s*([a-z]+)")
_FORMS = user_text(
    "Use one of: 'daily 07:30' or 'at 9am' (every day), 'weekdays 08:00', "
    "'mon,wed,fri 09:00' or 'mon-fri 6pm' (on those days), 'weekly mon 09:00' (one weekday, "
    "short or full, and a time), 'hourly' or 'every 30m' (a number with s, m or h)."
)


@dataclass(frozen=True)
class Schedule:
    """A parsed, valid schedule; build it with `parse_schedule`."""

    kind: Literal["weekly", "daily", "every"]
    weekdays: tuple[int, ...] = ()  # for "weekly": ascending, 0 = Monday, not all seven
    at: time | None = None  # wall-clock time in the subscription's zone, for "weekly"/"daily"
    every: timedelta | None = None  # for "every": whole seconds, 1 s to MAX_EVERY

    def __post_init__(self) -> None:
        if self.kind not in ("weekly", "daily", "every"):
            raise ValueError(f"unknown kind of schedule {self.kind!r}")
        timed = self.kind in ("weekly", "daily")
        if timed and (self.at is None or self.at.tzinfo or self.at.second or self.at.microsecond):
            raise ValueError(f"a {self.kind} schedule needs a naive time in whole minutes")
        if self.kind == "weekly":
            days = self.weekdays
            if not days or list(days) != sorted(set(days)) or not set(days) < set(range(7)):
                raise ValueError(
                    "a weekly schedule needs ascending weekdays (0 = Monday … 6 = Sunday), "
                    "not all seven"
                )
        elif self.weekdays:
            raise ValueError("weekdays belong to weekly schedules only")
        if self.kind == "every":
            if self.at is not None or self.every is None:
                raise ValueError("an 'every' schedule needs an interval and no time of day")
            if not timedelta(seconds=1) <= self.every <= MAX_EVERY or self.every % timedelta(
                seconds=1
            ):
                raise ValueError(
                    "an 'every' interval must be a whole number of seconds, from 1 s to 31 days"
                )
        elif self.every is not None:
            raise ValueError(f"a {self.kind} schedule takes no interval")


def parse_schedule(spec: str) -> Schedule:
    """Parse a schedule; also reads what `format_schedule` and `canonical_spec` write.

    Raises ValueError saying what is wrong and which forms are accepted.
    """
    words = _words(spec)
    if not words:
        raise _invalid(spec, user_text("it is empty"))
    first, rest = words[0], words[1:]
    if first == "hourly":
        if rest:
            raise _invalid(spec, user_text("'hourly' takes nothing after it"))
        return Schedule("every", every=timedelta(hours=1))
    if first == "every":
        if rest[:1] == ["day"]:
            return Schedule("daily", at=_parse_at(spec, rest[1:], "'every day' takes a time"))
        if rest and _is_day_word(rest[0]):
            return _on_days(spec, rest)
        if not rest:
            raise _invalid(spec, user_text("'every' takes an interval (or days and a time)"))
        return Schedule("every", every=_parse_interval(spec, " ".join(rest)))
    if first == "daily":
        return Schedule("daily", at=_parse_at(spec, rest, "'daily' takes a time"))
    if first == "weekly":
        if len(rest) == 2 and not _is_day_word(rest[0]):
            raise _invalid(
                spec,
                user_text("'{word}' is not a weekday (mon … sun or monday … sunday)", word=rest[0]),
            )
        if not rest or not _is_day_word(rest[0]):
            raise _invalid(spec, user_text("'weekly' takes a weekday and a time"))
        return _on_days(spec, rest, needs=user_text("'weekly' takes a weekday and a time"))
    if first == "at" or _LOOKS_LIKE_TIME.fullmatch(first):
        return Schedule("daily", at=_parse_at(spec, words, "'at' takes a time"))
    if _is_day_word(first):
        return _on_days(spec, words)
    raise _invalid(spec, user_text("'{word}' is not a kind of schedule", word=first))


def schedule_start(words: list[str]) -> int | None:
    """Where a schedule begins in `words` (e.g. /subscribe's arguments after the topic), or None.

    A schedule begins at a kind (weekly, daily, every, hourly), a time (``09:00``, ``9am``,
    ``9 pm``), "at" before a time or an hour, a day range, list or group (``mon-fri``,
    ``mon,wed``, ``weekdays``), or day names followed by a time; a lone day name, or "at" before
    other words, is part of the topic ("sunday times", "russia at war").
    """
    lowered = [word.lower() for word in words]
    for index, word in enumerate(lowered):
        bare = word.strip(",")
        if bare in _KINDS or bare in _DAY_GROUPS or _starts_time(lowered, index):
            return index
        if word == "at" and _starts_time(lowered, index + 1, bare_hour=True):
            return index
        if _is_day_word(word):
            after = index + 1
            while after < len(lowered) and _is_day_word(lowered[after]):
                after += 1
            listed = "-" in word or "," in word
            if listed or lowered[after : after + 1] == ["at"] or _starts_time(lowered, after):
                return index
    return None


def format_schedule(schedule: Schedule) -> str:
    """For people: "weekly, Monday 09:00", "weekdays 08:00", "Mon, Wed, Fri 09:00",
    "daily 07:30", "every 10 s"."""
    if schedule.kind == "every":
        count, unit = _interval_parts(schedule)
        return f"every {count} {'min' if unit == 'm' else unit}"
    at = f"{_required(schedule.at):%H:%M}"
    if schedule.kind == "daily":
        return f"daily {at}"
    days = schedule.weekdays
    for group in ("weekdays", "weekends"):
        if days == _DAY_GROUPS[group]:
            return f"{group} {at}"
    if len(days) == 1:
        return f"weekly, {WEEKDAYS[days[0]].capitalize()} {at}"
    return f"{', '.join(WEEKDAYS[day][:3].capitalize() for day in days)} {at}"


def canonical_spec(schedule: Schedule) -> str:
    """The spec to store: "weekly mon 09:00", "weekly mon,wed,fri 09:00", "daily 07:30",
    "every 10s"; parses back equal."""
    if schedule.kind == "every":
        count, unit = _interval_parts(schedule)
        return f"every {count}{unit}"
    at = f"{_required(schedule.at):%H:%M}"
    if schedule.kind == "daily":
        return f"daily {at}"
    return f"weekly {','.join(WEEKDAYS[day][:3] for day in schedule.weekdays)} {at}"


def next_run(
    schedule: Schedule, after: datetime, tz: tzinfo, anchor: datetime | None = None
) -> datetime:
    """The first scheduled instant strictly after `after`, as aware UTC.

    Weekly and daily times are read in `tz`. For "every", runs fall on ``anchor + k * every``
    (`anchor` defaults to `after`, giving ``after + every``); `anchor` is ignored otherwise.
    """
    after = _as_utc(after, "after")
    if schedule.kind == "every":
        start = after if anchor is None else _as_utc(anchor, "anchor")
        step = _required(schedule.every)
        return start + ((after - start) // step + 1) * step
    at = _required(schedule.at)
    today = after.astimezone(tz).date()
    # From the day before: a slot late on that day can fall after midnight if a gap moves it.
    for offset in range(-1, 8):
        day = today + timedelta(days=offset)
        if schedule.kind == "weekly" and day.weekday() not in schedule.weekdays:
            continue
        slot = _wall_clock_to_utc(day, at, tz)
        if slot > after:
            return slot
    raise AssertionError("a weekly slot always comes within eight days")


def _wall_clock_to_utc(day: date, at: time, tz: tzinfo) -> datetime:
    """The instant a wall-clock time happens in `tz`: the first occurrence if it happens twice,
    the end of the gap if it does not happen at all."""
    wall = datetime.combine(day, at)
    earliest = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if earliest.astimezone(tz).replace(tzinfo=None) == wall:
        return earliest
    # In a gap, fold=0 reads the time with the offset from before the change (landing past the
    # gap's end) and fold=1 with the offset after it (landing before the change): the change,
    # which is the first valid instant, lies between them. Offsets change on whole seconds.
    low, high = wall.replace(tzinfo=tz, fold=1).astimezone(UTC), earliest
    offset_before = low.astimezone(tz).utcoffset()
    while (seconds := (high - low) // timedelta(seconds=1)) > 1:
        middle = low + timedelta(seconds=seconds // 2)
        if middle.astimezone(tz).utcoffset() == offset_before:
            low = middle
        else:
            high = middle
    return high


def _as_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
    return moment.astimezone(UTC)


def _words(spec: str) -> list[str]:
    """Lower-cased words, commas as spaces, "9 am" and "9 a.m." joined as "9am"."""
    return _AM_PM.sub(r"\1\2m", spec.lower()).replace(",", " ").split()


def _starts_time(words: list[str], index: int, *, bare_hour: bool = False) -> bool:
    """Whether a time starts at `words[index]`: "09:00", "9am", "9 am" (or "9" if `bare_hour`)."""
    word = words[index] if index < len(words) else ""
    if _LOOKS_LIKE_TIME.fullmatch(word):
        return True
    if word.isdigit() and len(word) <= 2:
        return bare_hour or bool(_AM_PM_WORD.fullmatch("".join(words[index + 1 : index + 2])))
    return False


def _is_day_word(word: str) -> bool:
    """A day name, a range of them (mon-fri), a group (weekdays) or a comma list of these."""
    parts = [part for part in word.split(",") if part]
    return bool(parts) and all(_days_of(part) is not None for part in parts)


def _days_of(word: str) -> tuple[int, ...] | None:
    if word in _DAY_GROUPS:
        return _DAY_GROUPS[word]
    if word in _DAY_NUMBERS:
        return (_DAY_NUMBERS[word],)
    first, dash, last = word.partition("-")
    if dash and first in _DAY_NUMBERS and last in _DAY_NUMBERS:
        start, stop = _DAY_NUMBERS[first], _DAY_NUMBERS[last]
        return tuple((start + step) % 7 for step in range((stop - start) % 7 + 1))
    return None


def _on_days(spec: str, words: list[str], needs: UserText | None = None) -> Schedule:
    """DAYS [at] TIME: weekly on those days, daily if they are all seven."""
    days: set[int] = set()
    while words and _is_day_word(words[0]):
        for part in filter(None, words[0].split(",")):
            days.update(_required(_days_of(part)))
        words = words[1:]
    needs = needs or user_text("the days need a time, e.g. 'mon,wed,fri 09:00'")
    at = _parse_at(spec, words, needs)
    if len(days) == 7:
        return Schedule("daily", at=at)
    return Schedule("weekly", weekdays=tuple(sorted(days)), at=at)


def _parse_at(spec: str, words: list[str], missing: UserText) -> time:
    """[at] TIME, the whole of `words`."""
    after_at = words[:1] == ["at"]
    if after_at:
        words = words[1:]
    if len(words) != 1:
        raise _invalid(spec, missing)
    return _parse_time(spec, words[0], bare_hour=after_at)


def _parse_time(spec: str, word: str, *, bare_hour: bool = False) -> time:
    if match := _TIME_24.fullmatch(word):
        return time(int(match.group(1)), int(match.group(2)))
    if match := _TIME_12.fullmatch(word):
        hour = int(match.group(1)) % 12 + (12 if match.group(3) == "p" else 0)
        return time(hour, int(match.group(2) or 0))
    if bare_hour and _HOUR.fullmatch(word):
        return time(int(word), 0)
    raise _invalid(spec, user_text("'{word}' is not a time like 09:00, 18:30 or 9am", word=word))


def _parse_interval(spec: str, text: str) -> timedelta:
    match = _INTERVAL.fullmatch(text)
    unit = _UNIT_NAMES.get(match.group(2)) if match else None
    if not match or unit is None:
        raise _invalid(spec, user_text("'{word}' is not an interval like 10s, 5m or 2h", word=text))
    seconds = int(match.group(1)) * _UNIT_SECONDS[unit]
    if seconds < 1:
        raise _invalid(spec, user_text("the interval must be at least 1 s"))
    if seconds > MAX_EVERY.total_seconds():
        raise _invalid(spec, user_text("the interval is too long: at most 31 days (744h)"))
    return timedelta(seconds=seconds)


def _interval_parts(schedule: Schedule) -> tuple[int, str]:
    """The interval as a count of the largest unit that divides it exactly."""
    seconds = _required(schedule.every) // timedelta(seconds=1)
    for unit in ("h", "m"):
        if seconds % _UNIT_SECONDS[unit] == 0:
            return seconds // _UNIT_SECONDS[unit], unit
    return seconds, "s"


def _required(value: _T | None) -> _T:
    """A field `Schedule.__post_init__` guarantees for the schedule's kind."""
    assert value is not None
    return value


def _invalid(spec: str, reason: UserText) -> ValueError:
    return ValueError(
        user_text(
            "Can't read the schedule {spec}: {reason}. {forms}",
            spec=repr(spec),
            reason=reason,
            forms=_FORMS,
        )
    )
