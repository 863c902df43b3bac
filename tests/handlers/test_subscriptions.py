"""Reading /subscribe's topic and schedule, and /timezone's zone name."""

from __future__ import annotations

import pytest

from bot.telegram.handlers.chats import resolve_timezone
from bot.telegram.handlers.subscriptions import split_topic_and_schedule


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("russia", ("russia", None)),
        ("north korea", ("north korea", None)),
        ("russia weekly mon 09:00", ("russia", "weekly mon 09:00")),
        ("north korea Daily 07:30", ("north korea", "Daily 07:30")),
        ("gas every 6h", ("gas", "every 6h")),
        ("daily 07:30", ("", "daily 07:30")),
        ("russia at 9am", ("russia", "at 9am")),
        ("russia at 9 pm", ("russia", "at 9 pm")),
        ("russia weekdays 08:00", ("russia", "weekdays 08:00")),
        ("russia mon,wed,fri 09:00", ("russia", "mon,wed,fri 09:00")),
        ("russia mon, wed 09:00", ("russia", "mon, wed 09:00")),
        ("russia Monday at 9", ("russia", "Monday at 9")),
        ("russia hourly", ("russia", "hourly")),
        ("russia mon-fri", ("russia", "mon-fri")),  # refused when parsed: the days need a time
        ("russia at 25:00", ("russia", "at 25:00")),  # refused when parsed: not a time
        ("sunday times", ("sunday times", None)),
        ("russia at war", ("russia at war", None)),
        ("covid 19", ("covid 19", None)),
    ],
)
def test_the_schedule_starts_at_the_first_word_that_looks_like_one(words, expected):
    assert split_topic_and_schedule(words.split()) == expected


def test_time_zone_names_are_matched_case_insensitively():
    assert resolve_timezone("europe/berlin") == "Europe/Berlin"


def test_an_unknown_time_zone_is_refused_with_examples():
    with pytest.raises(ValueError, match="Europe/Berlin"):
        resolve_timezone("Berlin")


def test_an_unknown_time_zone_is_quoted_shortened_in_the_refusal():
    with pytest.raises(ValueError) as raised:
        resolve_timezone("Europe/" + "x" * 5000)

    assert "I don't know the time zone 'Europe/xxx" in str(raised.value)
    assert len(str(raised.value)) < 300
