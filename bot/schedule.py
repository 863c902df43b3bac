"""When a subscription's digest is due.

Forms (case-insensitive): ``weekly mon 09:00`` (weekday short or full), ``daily 07:30``, and
``every 10s`` / ``every 5m`` / ``every 2h`` (at least one second; meant for tests and monitoring).

`next_run` gives the first scheduled instant *strictly after* a given one, as aware UTC:
- weekly and daily times are wall-clock times in the subscription's time zone, so a 09:00 Berlin
  slot is 08:00 UTC in winter and 07:00 UTC in summer;
- a time that does not exist that day (a spring-forward gap) moves forward to the first valid
  instant, the end of the gap (02:30 in New York on the spring DST day runs at 03:00);
- a time that occurs twice (fall-back) runs once, at its first occurrence (``fold=0``);
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

_T = TypeVar("_T")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600}
_UNIT_NAMES = {
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
    "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
    "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
}  # fmt: skip
_TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
_INTERVAL = re.compile(r"(\d{1,12})\s*([a-z]+)")
_NEEDS = {"weekly": "a weekday and a time", "daily": "a time", "every": "an interval"}
_FORMS = (
    "Use one of: 'weekly mon 09:00' (a weekday, short or full, and a 24-hour time), "
    "'daily 07:30', or 'every 30m' (a number with s, m or h; at least 1 s)."
)


@dataclass(frozen=True)
class Schedule:
    """A parsed, valid schedule; build it with `parse_schedule`."""

    kind: Literal["weekly", "daily", "every"]
    weekday: int | None = None  # 0 = Monday, for "weekly"
    at: time | None = None  # wall-clock time in the subscription's zone, for "weekly"/"daily"
    every: timedelta | None = None  # for "every": whole seconds, at least one

    def __post_init__(self) -> None:
        if self.kind not in _NEEDS:
            raise ValueError(f"unknown kind of schedule {self.kind!r}")
        timed = self.kind in ("weekly", "daily")
        if timed and (self.at is None or self.at.tzinfo or self.at.second or self.at.microsecond):
            raise ValueError(f"a {self.kind} schedule needs a naive time in whole minutes")
        if (self.kind == "weekly") != (self.weekday in range(7)):
            raise ValueError("a weekday (0 = Monday … 6 = Sunday) belongs to weekly schedules only")
        if self.kind == "every":
            if self.at is not None or self.every is None:
                raise ValueError("an 'every' schedule needs an interval and no time of day")
            if self.every < timedelta(seconds=1) or self.every % timedelta(seconds=1):
                raise ValueError(
                    "an 'every' interval must be a whole number of seconds, at least 1"
                )
        elif self.every is not None:
            raise ValueError(f"a {self.kind} schedule takes no interval")


def parse_schedule(spec: str) -> Schedule:
    """Parse a schedule; also reads what `format_schedule` and `canonical_spec` write.

    Raises ValueError saying what is wrong and which forms are accepted.
    """
    words = spec.lower().replace(",", " ").split()
    if not words:
        raise _invalid(spec, "it is empty")
    kind, args = words[0], words[1:]
    if kind == "weekly" and len(args) == 2:
        return Schedule(
            "weekly", weekday=_parse_weekday(spec, args[0]), at=_parse_time(spec, args[1])
        )
    if kind == "daily" and len(args) == 1:
        return Schedule("daily", at=_parse_time(spec, args[0]))
    if kind == "every" and args:
        return Schedule("every", every=_parse_interval(spec, " ".join(args)))
    if kind in _NEEDS:
        raise _invalid(spec, f"'{kind}' takes {_NEEDS[kind]}")
    raise _invalid(spec, f"'{words[0]}' is not a kind of schedule")


def format_schedule(schedule: Schedule) -> str:
    """For people: "weekly, Monday 09:00", "daily 07:30", "every 10 s"."""
    if schedule.kind == "every":
        count, unit = _interval_parts(schedule)
        return f"every {count} {'min' if unit == 'm' else unit}"
    at = f"{_required(schedule.at):%H:%M}"
    if schedule.kind == "daily":
        return f"daily {at}"
    return f"weekly, {_WEEKDAYS[_required(schedule.weekday)].capitalize()} {at}"


def canonical_spec(schedule: Schedule) -> str:
    """The spec to store: "weekly mon 09:00", "daily 07:30", "every 10s"; parses back equal."""
    if schedule.kind == "every":
        count, unit = _interval_parts(schedule)
        return f"every {count}{unit}"
    at = f"{_required(schedule.at):%H:%M}"
    if schedule.kind == "daily":
        return f"daily {at}"
    return f"weekly {_WEEKDAYS[_required(schedule.weekday)][:3]} {at}"


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
        if schedule.kind == "weekly" and day.weekday() != schedule.weekday:
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


def _parse_weekday(spec: str, word: str) -> int:
    for number, name in enumerate(_WEEKDAYS):
        if word in (name, name[:3]):
            return number
    raise _invalid(spec, f"'{word}' is not a weekday (mon … sun or monday … sunday)")


def _parse_time(spec: str, word: str) -> time:
    match = _TIME.fullmatch(word)
    if not match:
        raise _invalid(spec, f"'{word}' is not a 24-hour time like 09:00")
    return time(int(match.group(1)), int(match.group(2)))


def _parse_interval(spec: str, text: str) -> timedelta:
    match = _INTERVAL.fullmatch(text)
    unit = _UNIT_NAMES.get(match.group(2)) if match else None
    if not match or unit is None:
        raise _invalid(spec, f"'{text}' is not an interval like 10s, 5m or 2h")
    seconds = int(match.group(1)) * _UNIT_SECONDS[unit]
    if seconds < 1:
        raise _invalid(spec, "the interval must be at least 1 s")
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise _invalid(spec, "the interval is too long") from None


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


def _invalid(spec: str, reason: str) -> ValueError:
    return ValueError(f"Can't read the schedule {spec!r}: {reason}. {_FORMS}")
