"""Push options and pauses (bot.app.preferences): reading `name=value` options, setting them on
a subscription and as a chat's defaults, pausing and resuming one topic or all; on SQLite and
PostgreSQL (the `store` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.app.preferences import (
    chat_defaults,
    pause,
    read_options,
    resume,
    set_options,
    toggle_pause,
)
from bot.app.subscriptions import read_subscription, subscribe
from bot.config import Settings
from bot.core.domain import PushOptions, SummaryLength

NOW = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # a Monday
CHAT, OTHER_CHAT = 5, 6
SETTINGS = Settings(default_schedule="daily 08:00", default_timezone="Europe/Berlin")


def follow(store, words: str, chat_id: int = CHAT, **kwargs):
    request = read_subscription(words.split(), SETTINGS)
    return subscribe(store, SETTINGS, chat_id, request, now=NOW, **kwargs).subscription


@pytest.mark.parametrize(
    ("words", "rest", "changes"),
    [
        ("russia", ["russia"], {}),
        ("russia silent=on", ["russia"], {"silent": True}),
        ("north korea SUMMARY=Full max=5", ["north", "korea"], {
            "summary": SummaryLength.FULL, "max_articles": 5,
        }),
        ("russia previews=yes silent=off max=all", ["russia"], {
            "previews": True, "silent": False, "max_articles": 0,
        }),
        ("russia max=0", ["russia"], {"max_articles": 0}),
    ],
)  # fmt: skip
def test_options_are_taken_out_of_the_words(words, rest, changes):
    assert read_options(words.split()) == (rest, changes)


@pytest.mark.parametrize(
    "option", ["loud=on", "silent=maybe", "summary=long", "max=-1", "max=101", "max=", "=on"]
)
def test_an_unknown_option_or_value_is_refused_with_the_syntax(option):
    with pytest.raises(ValueError, match="silent=on\\|off, summary=short\\|full"):
        read_options(["russia", option])


def test_options_given_to_subscribe_go_with_the_schedule(store):
    subscription = follow(store, "russia weekly mon 09:00 silent=on max=5")

    assert (
        subscription.schedule
        == read_subscription(["x", "weekly", "mon", "09:00"], SETTINGS).schedule
    )
    assert subscription.options == PushOptions(silent=True, max_articles=5)
    [stored] = store.chats.subscriptions(CHAT)
    assert stored.options == subscription.options


def test_a_new_subscription_takes_the_chats_defaults_and_an_old_one_keeps_its_options(store):
    old = follow(store, "gas")
    defaults = chat_defaults(store, SETTINGS, CHAT, {"silent": True, "previews": True})

    new = follow(store, "russia summary=full")

    assert defaults == PushOptions(silent=True, previews=True)
    assert chat_defaults(store, SETTINGS, CHAT, {}) == defaults
    assert new.options == PushOptions(silent=True, previews=True, summary=SummaryLength.FULL)
    assert {s.topic: s.options for s in store.chats.subscriptions(CHAT)} == {
        "gas": old.options,
        "russia": new.options,
    }
    assert chat_defaults(store, SETTINGS, OTHER_CHAT, {}) == PushOptions()


def test_set_options_changes_only_the_named_options_of_that_topic(store):
    follow(store, "russia max=3")
    follow(store, "gas")

    changed = set_options(store, CHAT, "russia", {"silent": True})

    assert changed.options == PushOptions(silent=True, max_articles=3)
    assert {s.topic: s.options for s in store.chats.subscriptions(CHAT)} == {
        "gas": PushOptions(),
        "russia": PushOptions(silent=True, max_articles=3),
    }
    assert set_options(store, CHAT, "wheat", {"silent": True}) is None
    assert set_options(store, OTHER_CHAT, "russia", {"silent": True}) is None


def test_a_subscription_made_in_a_forum_topic_goes_there_until_subscribed_elsewhere(store):
    assert follow(store, "russia", thread_id=17).thread_id == 17
    assert store.chats.subscriptions(CHAT)[0].thread_id == 17

    assert follow(store, "russia", thread_id=23).thread_id == 23
    assert follow(store, "russia").thread_id is None


def test_a_paused_subscription_is_not_due_until_resumed(store):
    follow(store, "russia")
    follow(store, "gas")
    later = NOW + timedelta(days=3)

    [paused] = pause(store, CHAT, "russia", now=NOW)

    assert paused.paused_at == NOW
    assert [s.topic for s in store.chats.due_subscriptions(later)] == ["gas"]
    assert [s.topic for s in store.chats.subscriptions(CHAT) if s.paused] == ["russia"]


def test_pause_without_a_topic_pauses_all_and_keeps_an_earlier_pauses_date(store):
    follow(store, "russia")
    follow(store, "gas")
    pause(store, CHAT, "gas", now=NOW)

    paused = pause(store, CHAT, None, now=NOW + timedelta(hours=1))

    assert {s.topic: s.paused_at for s in paused} == {
        "gas": NOW,
        "russia": NOW + timedelta(hours=1),
    }
    assert store.chats.due_subscriptions(NOW + timedelta(days=3)) == []
    assert pause(store, CHAT, "wheat", now=NOW) == []


def test_resume_runs_next_from_now_and_covers_only_what_arrives_from_now(store):
    follow(store, "russia")
    pause(store, CHAT, "russia", now=NOW)
    back = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # a Friday, after 08:00 in Berlin

    [resumed] = resume(store, CHAT, None, now=back)

    assert not resumed.paused
    assert resumed.next_run_at == datetime(2026, 3, 21, 7, 0, tzinfo=UTC)  # Saturday 08:00
    assert resumed.covered_until == back  # the paused days' articles are not pushed
    [stored] = store.chats.subscriptions(CHAT)
    assert (stored.paused, stored.next_run_at, stored.covered_until) == (
        False, resumed.next_run_at, back,
    )  # fmt: skip
    assert resume(store, CHAT, "russia", now=back) == []  # not paused any more


def test_a_button_pauses_and_resumes_only_its_own_chats_subscription(store):
    subscription = follow(store, "russia")

    assert toggle_pause(store, OTHER_CHAT, subscription.id, paused=True, now=NOW) is None
    assert toggle_pause(store, CHAT, subscription.id, paused=True, now=NOW).paused
    assert toggle_pause(store, CHAT, subscription.id, paused=True, now=NOW).paused_at == NOW
    assert not toggle_pause(store, CHAT, subscription.id, paused=False, now=NOW).paused
    assert toggle_pause(store, CHAT, subscription.id + 1, paused=True, now=NOW) is None
