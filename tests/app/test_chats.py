"""A chat's time zone: names matched case-insensitively, unknown ones refused with examples,
and setting one moves the chat's subscriptions' next runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.app.chats import chat_timezone, resolve_timezone, set_timezone
from bot.app.subscriptions import read_subscription, subscribe
from bot.config import Settings

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
CHAT = 5
SETTINGS = Settings(default_schedule="daily 08:00", default_timezone="UTC")


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


def test_a_new_chat_has_the_default_time_zone(sqlite_store):
    assert chat_timezone(sqlite_store, SETTINGS, CHAT) == "UTC"


def test_setting_a_time_zone_moves_the_next_runs_to_it(sqlite_store):
    subscribe(sqlite_store, SETTINGS, CHAT, read_subscription(["russia"], SETTINGS), now=NOW)

    name, rescheduled = set_timezone(sqlite_store, SETTINGS, CHAT, "asia/tokyo", now=NOW)

    assert (name, rescheduled) == ("Asia/Tokyo", True)
    assert chat_timezone(sqlite_store, SETTINGS, CHAT) == "Asia/Tokyo"
    [subscription] = sqlite_store.chats.subscriptions(CHAT)
    assert subscription.next_run_at == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)  # 08:00 in Tokyo


def test_a_chat_without_subscriptions_sets_its_zone_and_moves_nothing(sqlite_store):
    assert set_timezone(sqlite_store, SETTINGS, CHAT, "Europe/Berlin", now=NOW) == (
        "Europe/Berlin",
        False,
    )


def test_an_unknown_time_zone_leaves_the_chats_as_it_was(sqlite_store):
    with pytest.raises(ValueError, match="I don't know the time zone"):
        set_timezone(sqlite_store, SETTINGS, CHAT, "Berlin", now=NOW)

    assert chat_timezone(sqlite_store, SETTINGS, CHAT) == "UTC"
