"""Dates as users read them: one format per language whatever the process's locale."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.render.dates import shown_date, shown_period, shown_time


def test_a_day_is_shown_with_a_short_english_month_name() -> None:
    assert shown_date(date(2024, 11, 4), language="en") == "4 Nov 2024"
    assert shown_date(date(2024, 11, 4), year=False, language="en") == "4 Nov"


@pytest.mark.parametrize(
    ("first", "last", "shown"),
    [
        (date(2024, 11, 4), date(2024, 11, 4), "4 Nov 2024"),
        (date(2024, 11, 3), date(2024, 11, 10), "3 Nov – 10 Nov 2024"),
        (date(2024, 12, 28), date(2025, 1, 4), "28 Dec 2024 – 4 Jan 2025"),
    ],
)
def test_a_period_writes_the_year_only_where_needed(first: date, last: date, shown: str) -> None:
    assert shown_period(first, last, language="en") == shown


def test_a_moment_is_shown_with_its_weekday_in_the_given_time_zone() -> None:
    moment = datetime(2024, 11, 3, 23, 30, tzinfo=UTC)  # Sunday in UTC, Monday in Berlin

    assert shown_time(moment, UTC, language="en") == "Sun 3 Nov 23:30"
    assert shown_time(moment, ZoneInfo("Europe/Berlin"), language="en") == "Mon 4 Nov 00:30"


def test_a_german_chat_reads_german_day_month_and_weekday_names() -> None:
    moment = datetime(2024, 11, 3, 23, 30, tzinfo=UTC)

    assert shown_date(date(2024, 3, 4), language="de") == "4. März 2024"
    assert shown_period(date(2024, 12, 28), date(2025, 1, 4), language="de") == (
        "28. Dez. 2024 – 4. Jan. 2025"
    )
    assert shown_time(moment, ZoneInfo("Europe/Berlin"), language="de") == "Mo., 4. Nov. 00:30"
