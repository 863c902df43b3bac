"""Subscriptions: reading /subscribe's topic and schedule, subscribing within the caps,
rescheduling a followed topic, unsubscribing by topic and by a digest's button."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app.subscriptions import (
    SubscriptionRefused,
    SubscriptionRequest,
    read_subscription,
    split_topic_and_schedule,
    subscribe,
    unsubscribe,
    unsubscribe_by_id,
)
from bot.config import Settings

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # a Monday
CHAT, OTHER_CHAT = 5, 6
SETTINGS = Settings(
    default_schedule="daily 08:00",
    default_timezone="Europe/Berlin",
    min_schedule_interval_s=3600,
    max_subscriptions_per_chat=2,
)


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


def test_a_topic_alone_gets_the_default_schedule():
    request = read_subscription(["North", "Korea"], SETTINGS)

    assert request == SubscriptionRequest("north korea", "daily 08:00", schedule_given=False)


def test_a_given_schedule_is_read_in_its_canonical_form():
    request = read_subscription("russia weekdays 8am".split(), SETTINGS)

    assert (request.topic, request.schedule_given) == ("russia", True)
    assert request.schedule == read_subscription("russia weekdays 08:00".split(), SETTINGS).schedule


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        ("", "Which topic?"),
        ("daily 07:30", "Which topic?"),
        ("russia at 25:00", "25:00"),
        ("russia every 10m", "That is too often: the shortest schedule is"),
    ],
)
def test_no_topic_a_schedule_that_does_not_parse_or_one_too_often_is_refused(words, reason):
    with pytest.raises(SubscriptionRefused, match=reason):
        read_subscription(words.split(), SETTINGS)


def test_a_default_schedule_more_often_than_the_minimum_is_still_allowed():
    often = Settings(default_schedule="every 10m", min_schedule_interval_s=3600)

    assert read_subscription(["russia"], often).schedule_given is False


def test_a_new_subscription_runs_next_in_the_chats_time_zone_and_covers_from_now(sqlite_store):
    subscribed = subscribe(
        sqlite_store, SETTINGS, CHAT, read_subscription(["russia"], SETTINGS), now=NOW
    )

    subscription = subscribed.subscription
    assert (subscribed.created, subscribed.rescheduled) == (True, False)
    assert subscription.timezone == "Europe/Berlin"
    assert subscription.next_run_at == datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 08:00 in Berlin
    assert subscription.covered_until == NOW
    assert sqlite_store.chats.subscriptions(CHAT) == [subscription]


def test_a_followed_topic_moves_to_a_given_schedule_but_keeps_its_own_without_one(sqlite_store):
    subscribe(sqlite_store, SETTINGS, CHAT, read_subscription(["russia"], SETTINGS), now=NOW)
    hourly = read_subscription("russia hourly".split(), SETTINGS)
    later = NOW + timedelta(minutes=5)

    again = subscribe(
        sqlite_store, SETTINGS, CHAT, read_subscription(["russia"], SETTINGS), now=NOW
    )
    moved = subscribe(sqlite_store, SETTINGS, CHAT, hourly, now=later)

    assert (again.created, again.rescheduled, again.subscription.schedule) == (
        False,
        False,
        "daily 08:00",
    )
    assert (moved.created, moved.rescheduled) == (False, True)
    assert moved.subscription.next_run_at == later + timedelta(hours=1)
    [stored] = sqlite_store.chats.subscriptions(CHAT)
    assert (stored.schedule, stored.next_run_at) == (hourly.schedule, later + timedelta(hours=1))


def test_a_chat_at_its_cap_is_refused_new_topics_but_may_reschedule_followed_ones(sqlite_store):
    for topic in ("russia", "china"):
        subscribe(sqlite_store, SETTINGS, CHAT, read_subscription([topic], SETTINGS), now=NOW)

    with pytest.raises(SubscriptionRefused, match="follows 2 topics, the most it may"):
        subscribe(sqlite_store, SETTINGS, CHAT, read_subscription(["india"], SETTINGS), now=NOW)
    moved = subscribe(
        sqlite_store, SETTINGS, CHAT, read_subscription("china hourly".split(), SETTINGS), now=NOW
    )
    other = subscribe(
        sqlite_store, SETTINGS, OTHER_CHAT, read_subscription(["india"], SETTINGS), now=NOW
    )

    assert moved.rescheduled and other.created
    assert [s.topic for s in sqlite_store.chats.subscriptions(CHAT)] == ["china", "russia"]


def test_unsubscribing_ends_the_topic_once(sqlite_store):
    subscribe(sqlite_store, SETTINGS, CHAT, read_subscription(["russia"], SETTINGS), now=NOW)

    assert unsubscribe(sqlite_store, CHAT, "russia") is True
    assert unsubscribe(sqlite_store, CHAT, "russia") is False
    assert sqlite_store.chats.subscriptions(CHAT) == []


def test_a_button_ends_only_its_own_chats_subscription(sqlite_store):
    request = read_subscription(["russia"], SETTINGS)
    mine = subscribe(sqlite_store, SETTINGS, CHAT, request, now=NOW).subscription

    assert unsubscribe_by_id(sqlite_store, OTHER_CHAT, mine.id) is None
    assert sqlite_store.chats.subscriptions(CHAT) == [mine]
    assert unsubscribe_by_id(sqlite_store, CHAT, mine.id) == mine
    assert unsubscribe_by_id(sqlite_store, CHAT, mine.id) is None
    assert sqlite_store.chats.subscriptions(CHAT) == []


def test_an_old_unsubscribe_button_does_not_remove_a_later_subscription(sqlite_store):
    # Without AUTOINCREMENT SQLite gave the newest removed id to the next subscription, so the
    # button under the old russia digest removed china.
    russia = subscribe(
        sqlite_store, SETTINGS, CHAT, read_subscription(["russia"], SETTINGS), now=NOW
    ).subscription
    assert unsubscribe_by_id(sqlite_store, CHAT, russia.id) == russia
    china = subscribe(
        sqlite_store, SETTINGS, CHAT, read_subscription(["china"], SETTINGS), now=NOW
    ).subscription

    assert china.id != russia.id
    assert unsubscribe_by_id(sqlite_store, CHAT, russia.id) is None
    assert sqlite_store.chats.subscriptions(CHAT) == [china]
