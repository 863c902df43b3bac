"""Schedules: parsing, display, and the next run across weekdays, time zones and DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.core.schedule import Schedule, canonical_spec, format_schedule, next_run, parse_schedule

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
CHATHAM = ZoneInfo("Pacific/Chatham")
TIME_ZONES = ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]
WEEKDAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)


# --- parsing and display -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("weekly mon 09:00", Schedule("weekly", weekdays=(0,), at=time(9, 0))),
        ("weekly monday 9:00", Schedule("weekly", weekdays=(0,), at=time(9, 0))),
        ("  WEEKLY   Sun  23:59 ", Schedule("weekly", weekdays=(6,), at=time(23, 59))),
        ("weekly, Friday 00:00", Schedule("weekly", weekdays=(4,), at=time(0, 0))),
        ("daily 07:30", Schedule("daily", at=time(7, 30))),
        ("Daily 7:05", Schedule("daily", at=time(7, 5))),
        ("every 10s", Schedule("every", every=timedelta(seconds=10))),
        ("every 5m", Schedule("every", every=timedelta(minutes=5))),
        ("every 2h", Schedule("every", every=timedelta(hours=2))),
        ("every 1s", Schedule("every", every=timedelta(seconds=1))),
        ("every 10 s", Schedule("every", every=timedelta(seconds=10))),
        ("every 30 min", Schedule("every", every=timedelta(minutes=30))),
        ("Every 3 Hours", Schedule("every", every=timedelta(hours=3))),
        ("at 9am", Schedule("daily", at=time(9, 0))),
        ("at 9", Schedule("daily", at=time(9, 0))),
        ("At 9 PM", Schedule("daily", at=time(21, 0))),
        ("daily at 12am", Schedule("daily", at=time(0, 0))),
        ("every day at 12:30pm", Schedule("daily", at=time(12, 30))),
        ("07:30", Schedule("daily", at=time(7, 30))),
        ("weekdays 08:00", Schedule("weekly", weekdays=(0, 1, 2, 3, 4), at=time(8, 0))),
        ("mon-fri at 6pm", Schedule("weekly", weekdays=(0, 1, 2, 3, 4), at=time(18, 0))),
        ("weekends 10am", Schedule("weekly", weekdays=(5, 6), at=time(10, 0))),
        ("mon,wed,fri 09:00", Schedule("weekly", weekdays=(0, 2, 4), at=time(9, 0))),
        ("Fri, Mon 9:00", Schedule("weekly", weekdays=(0, 4), at=time(9, 0))),
        ("sat-mon 9:00", Schedule("weekly", weekdays=(0, 5, 6), at=time(9, 0))),
        ("every monday at 9 a.m.", Schedule("weekly", weekdays=(0,), at=time(9, 0))),
        ("weekly tue,thu 17:00", Schedule("weekly", weekdays=(1, 3), at=time(17, 0))),
        ("weekdays weekends 08:00", Schedule("daily", at=time(8, 0))),
        ("hourly", Schedule("every", every=timedelta(hours=1))),
        ("every 744h", Schedule("every", every=timedelta(days=31))),
    ],
)
def test_parse_accepts_the_documented_forms(spec: str, expected: Schedule) -> None:
    assert parse_schedule(spec) == expected


@pytest.mark.parametrize(
    ("number", "name"),
    [(n, name) for n, full in enumerate(WEEKDAY_NAMES) for name in (full, full[:3])],
)
def test_parse_reads_every_weekday_full_and_short(number: int, name: str) -> None:
    assert parse_schedule(f"weekly {name} 09:00").weekdays == (number,)


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("monthly 1 09:00", "'monthly' is not a kind of schedule"),
        ("weekly", "'weekly' takes a weekday and a time"),
        ("weekly mon", "'weekly' takes a weekday and a time"),
        ("weekly 09:00 mon", "'09:00' is not a weekday"),
        ("weekly mo 09:00", "'mo' is not a weekday"),
        ("daily", "'daily' takes a time"),
        ("daily 24:00", "'24:00' is not a time like 09:00"),
        ("daily 9", "'9' is not a time like 09:00"),
        ("daily 09:60", "'09:60' is not a time like 09:00"),
        ("at 13pm", "'13pm' is not a time like 09:00"),
        ("at 0am", "'0am' is not a time like 09:00"),
        ("at", "'at' takes a time"),
        ("at 9am tomorrow", "'at' takes a time"),
        ("mon-fri", "the days need a time"),
        ("mon,wed", "the days need a time"),
        ("hourly 09:00", "'hourly' takes nothing after it"),
        ("every day", "'every day' takes a time"),
        ("every", "'every' takes an interval"),
        ("every 0s", "at least 1 s"),
        ("every 10", "'10' is not an interval"),
        ("every 10d", "'10d' is not an interval"),
        ("every -5m", "'-5m' is not an interval"),
        ("every 1.5h", "'1.5h' is not an interval"),
        ("every 999999999999h", "too long"),
        ("every 999999999999s", "at most 31 days"),
        ("every 745h", "at most 31 days"),
    ],
)
def test_parse_refuses_bad_specs_saying_why_and_showing_the_forms(spec: str, reason: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_schedule(spec)

    message = str(raised.value)
    assert reason in message
    for form in ("'weekly mon 09:00'", "'daily 07:30'", "'at 9am'", "'weekdays 08:00'"):
        assert form in message
    assert "'mon,wed,fri 09:00'" in message and "'hourly'" in message and "'every 30m'" in message


@pytest.mark.parametrize(
    ("spec", "shown", "canonical"),
    [
        ("weekly monday 9:00", "weekly, Monday 09:00", "weekly mon 09:00"),
        ("weekly SUN 18:45", "weekly, Sunday 18:45", "weekly sun 18:45"),
        ("daily 7:30", "daily 07:30", "daily 07:30"),
        ("every 10s", "every 10 s", "every 10s"),
        ("every 90s", "every 90 s", "every 90s"),
        ("every 120s", "every 2 min", "every 2m"),
        ("every 60m", "every 1 h", "every 1h"),
        ("every 2h", "every 2 h", "every 2h"),
        ("hourly", "every 1 h", "every 1h"),
        ("at 7pm", "daily 19:00", "daily 19:00"),
        ("weekdays 08:00", "weekdays 08:00", "weekly mon,tue,wed,thu,fri 08:00"),
        ("sat,sun 10:00", "weekends 10:00", "weekly sat,sun 10:00"),
        ("fri,mon,wed 9am", "Mon, Wed, Fri 09:00", "weekly mon,wed,fri 09:00"),
    ],
)
def test_format_and_canonical_spec_both_parse_back_to_the_same_schedule(
    spec: str, shown: str, canonical: str
) -> None:
    schedule = parse_schedule(spec)

    assert format_schedule(schedule) == shown
    assert canonical_spec(schedule) == canonical
    assert parse_schedule(shown) == schedule
    assert parse_schedule(canonical) == schedule


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "weekly", "at": time(9, 0)},
        {"kind": "weekly", "weekdays": (7,), "at": time(9, 0)},
        {"kind": "weekly", "weekdays": (2, 1), "at": time(9, 0)},
        {"kind": "weekly", "weekdays": (1, 1), "at": time(9, 0)},
        {"kind": "weekly", "weekdays": tuple(range(7)), "at": time(9, 0)},
        {"kind": "daily", "weekdays": (1,), "at": time(9, 0)},
        {"kind": "every", "every": timedelta(days=32)},
        {"kind": "daily"},
        {"kind": "daily", "at": time(9, 0, 30)},
        {"kind": "daily", "at": time(9, 0, tzinfo=UTC)},
        {"kind": "every"},
        {"kind": "every", "every": timedelta(milliseconds=500)},
        {"kind": "every", "every": timedelta(seconds=1.5)},
        {"kind": "daily", "at": time(9, 0), "every": timedelta(seconds=10)},
        {"kind": "hourly", "at": time(9, 0)},
    ],
)
def test_a_schedule_that_parse_could_not_produce_is_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Schedule(**fields)  # type: ignore[arg-type]


# --- weekly and daily --------------------------------------------------------------------------


def test_weekly_runs_next_monday_from_a_wednesday() -> None:
    wednesday = utc(2024, 11, 6, 12, 0)

    run = next_run(parse_schedule("weekly mon 09:00"), wednesday, ZoneInfo("UTC"))

    assert run == utc(2024, 11, 11, 9, 0)
    assert run.tzinfo == UTC


def test_weekly_exactly_at_the_slot_runs_the_following_week() -> None:
    slot = utc(2024, 11, 11, 9, 0)

    run = next_run(parse_schedule("weekly mon 09:00"), slot, ZoneInfo("UTC"))

    assert run == utc(2024, 11, 18, 9, 0)


def test_weekly_just_before_the_slot_runs_at_the_slot() -> None:
    just_before = utc(2024, 11, 11, 8, 59, 59)

    run = next_run(parse_schedule("weekly mon 09:00"), just_before, ZoneInfo("UTC"))

    assert run == utc(2024, 11, 11, 9, 0)


def test_weekly_time_is_read_in_the_subscribers_zone() -> None:
    sunday_evening_utc = utc(2024, 11, 10, 23, 30)  # already Monday 00:30 in Berlin

    run = next_run(parse_schedule("weekly mon 09:00"), sunday_evening_utc, BERLIN)

    assert run == utc(2024, 11, 11, 8, 0)


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (utc(2024, 3, 30, 8, 0), utc(2024, 3, 31, 7, 0)),  # 09:00 CET, then 09:00 CEST
        (utc(2024, 3, 31, 7, 0), utc(2024, 4, 1, 7, 0)),
        (utc(2024, 10, 26, 7, 0), utc(2024, 10, 27, 8, 0)),  # 09:00 CEST, then 09:00 CET
        (utc(2024, 10, 27, 8, 0), utc(2024, 10, 28, 8, 0)),
    ],
)
def test_daily_in_berlin_keeps_the_wall_clock_time_across_dst_changes(
    after: datetime, expected: datetime
) -> None:
    assert next_run(parse_schedule("daily 09:00"), after, BERLIN) == expected


@pytest.mark.parametrize("zone", TIME_ZONES)
def test_daily_runs_at_the_local_time_on_each_day_of_a_year(zone: str) -> None:
    tz = ZoneInfo(zone)
    schedule = parse_schedule("daily 09:00")
    run = datetime(2023, 12, 31, 12, 0, tzinfo=tz)

    runs = []
    for _ in range(366):
        run = next_run(schedule, run, tz)
        runs.append(run.astimezone(tz))

    assert {(r.hour, r.minute) for r in runs} == {(9, 0)}
    assert [r.date() for r in runs] == [
        datetime(2024, 1, 1).date() + timedelta(days=n) for n in range(366)
    ]


@pytest.mark.parametrize("zone", TIME_ZONES)
def test_weekly_runs_on_the_weekday_at_the_local_time_all_year(zone: str) -> None:
    tz = ZoneInfo(zone)
    schedule = parse_schedule("weekly fri 18:30")
    run = utc(2024, 1, 1, 0, 0)

    runs = []
    for _ in range(53):
        run = next_run(schedule, run, tz)
        runs.append(run.astimezone(tz))

    assert {(r.weekday(), r.hour, r.minute) for r in runs} == {(4, 18, 30)}
    assert all((b.date() - a.date()).days == 7 for a, b in zip(runs, runs[1:], strict=False))


@pytest.mark.parametrize("zone", TIME_ZONES)
def test_a_days_schedule_runs_on_exactly_those_days_at_the_local_time_all_year(zone: str) -> None:
    tz = ZoneInfo(zone)
    schedule = parse_schedule("mon,wed,fri 9am")
    run = utc(2024, 1, 1, 0, 0)

    runs = []
    for _ in range(3 * 52):
        run = next_run(schedule, run, tz)
        runs.append(run.astimezone(tz))

    assert {(r.weekday(), r.hour, r.minute) for r in runs} == {(0, 9, 0), (2, 9, 0), (4, 9, 0)}
    assert len({r.date() for r in runs}) == len(runs)


def test_weekdays_skip_the_weekend() -> None:
    friday_after_the_slot = utc(2024, 11, 8, 9, 0)

    run = next_run(parse_schedule("weekdays 08:00"), friday_after_the_slot, ZoneInfo("UTC"))

    assert run == utc(2024, 11, 11, 8, 0)


def test_a_days_schedule_runs_once_on_a_fall_back_night() -> None:
    schedule = parse_schedule("weekends at 1:30am")  # 01:30 happens twice in New York on 3 Nov
    run = utc(2024, 11, 2, 12, 0)

    runs = [run := next_run(schedule, run, NEW_YORK) for _ in range(2)]

    assert runs == [utc(2024, 11, 3, 5, 30), utc(2024, 11, 9, 6, 30)]


def test_a_time_in_the_spring_forward_gap_moves_to_the_end_of_the_gap() -> None:
    before_the_change = utc(2024, 3, 10, 5, 0)  # 00:00 EST on the day clocks skip 02:00–03:00

    run = next_run(parse_schedule("daily 02:30"), before_the_change, NEW_YORK)

    assert run == utc(2024, 3, 10, 7, 0)
    assert run.astimezone(NEW_YORK).time() == time(3, 0)


def test_the_day_after_a_gap_runs_at_the_usual_time_again() -> None:
    moved_run = utc(2024, 3, 10, 7, 0)

    run = next_run(parse_schedule("daily 02:30"), moved_run, NEW_YORK)

    assert run.astimezone(NEW_YORK) == datetime(2024, 3, 11, 2, 30, tzinfo=NEW_YORK)


def test_a_gap_that_is_not_a_whole_hour_also_moves_to_its_end() -> None:
    before_the_change = utc(2024, 9, 28, 12, 0)  # Chatham skips 02:45–03:45 on 29 Sep 2024

    run = next_run(parse_schedule("daily 03:00"), before_the_change, CHATHAM)

    assert run.astimezone(CHATHAM).replace(tzinfo=None) == datetime(2024, 9, 29, 3, 45)


def test_an_ambiguous_fall_back_time_runs_once_at_its_first_occurrence() -> None:
    schedule = parse_schedule("daily 01:30")  # 01:30 happens twice in New York on 3 Nov 2024

    first = next_run(schedule, utc(2024, 11, 3, 0, 0), NEW_YORK)
    second = next_run(schedule, first, NEW_YORK)

    assert first == utc(2024, 11, 3, 5, 30)  # 01:30 EDT
    assert second == utc(2024, 11, 4, 6, 30)  # 01:30 EST the next day, not the repeat at 06:30


def test_next_run_accepts_any_aware_time_and_answers_in_utc() -> None:
    in_berlin = datetime(2024, 11, 6, 13, 0, tzinfo=BERLIN)

    run = next_run(parse_schedule("daily 09:00"), in_berlin, BERLIN)

    assert run == utc(2024, 11, 7, 8, 0)
    assert run.tzinfo == UTC


def test_a_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_run(parse_schedule("daily 09:00"), datetime(2024, 11, 6, 12, 0), BERLIN)


# --- every -------------------------------------------------------------------------------------


def test_every_without_an_anchor_runs_one_interval_later() -> None:
    now = utc(2024, 11, 6, 12, 0, 3)

    run = next_run(parse_schedule("every 10s"), now, BERLIN)

    assert run == utc(2024, 11, 6, 12, 0, 13)


@pytest.mark.parametrize(
    ("seconds_after_anchor", "expected_seconds"),
    [(0, 10), (0.5, 10), (9.999, 10), (10, 20), (25, 30), (3600, 3610), (-5, 0), (-15, -10)],
)
def test_every_runs_on_a_grid_anchored_at_the_anchor(
    seconds_after_anchor: float, expected_seconds: int
) -> None:
    anchor = utc(2024, 11, 6, 12, 0, 0)
    after = anchor + timedelta(seconds=seconds_after_anchor)

    run = next_run(parse_schedule("every 10s"), after, ZoneInfo("UTC"), anchor=anchor)

    assert run == anchor + timedelta(seconds=expected_seconds)


def test_every_keeps_its_beat_when_a_restarted_bot_delivers_late() -> None:
    schedule = parse_schedule("every 10s")
    stored_next_run = utc(2024, 11, 6, 12, 0, 0)
    late_now = stored_next_run + timedelta(seconds=37, milliseconds=250)

    run = next_run(schedule, late_now, ZoneInfo("UTC"), anchor=stored_next_run)

    assert run == utc(2024, 11, 6, 12, 0, 40)


def test_every_counts_elapsed_time_not_wall_clock_across_dst() -> None:
    anchor = datetime(2024, 10, 27, 1, 0, tzinfo=BERLIN)  # 23:00 UTC, before the fall-back hour

    run = next_run(parse_schedule("every 2h"), anchor, BERLIN, anchor=anchor)

    assert run == utc(2024, 10, 27, 1, 0)


def test_anchor_is_ignored_for_daily_schedules() -> None:
    after = utc(2024, 11, 6, 12, 0)

    run = next_run(parse_schedule("daily 09:00"), after, BERLIN, anchor=utc(2020, 1, 1, 0, 0, 7))

    assert run == utc(2024, 11, 7, 8, 0)
