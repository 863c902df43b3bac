"""store.chats: subscribing once, unsubscribing, which subscriptions are due, time zone changes
that reschedule, schedule changes, and moving a group's subscriptions to its supergroup id; on
SQLite and on PostgreSQL when reachable; and a chat's language."""

from __future__ import annotations

from datetime import timedelta

from tests.store import NOW, another_process, before_statement, subscribe_weekly


def subscribe(store, chat_id: int = 1, topic: str = "russia", timezone: str = "UTC"):
    store.chats.ensure(chat_id, timezone=timezone)
    subscription, _ = store.chats.subscribe(
        chat_id, topic, schedule="daily 09:00", next_run_at=NOW, covered_until=NOW
    )
    return subscription


def test_time_zone_change_reschedules_every_subscription_of_the_chat(store):
    subscribe(store, topic="russia")
    subscribe(store, topic="china")
    subscribe(store, chat_id=2, topic="russia")
    seen = []

    def reschedule(subscription):
        seen.append(subscription.timezone)
        return NOW + timedelta(hours=len(seen))

    changed = store.chats.set_timezone(1, "Europe/Berlin", reschedule)

    assert seen == ["Europe/Berlin", "Europe/Berlin"]
    assert [(s.topic, s.timezone, s.next_run_at) for s in store.chats.subscriptions(1)] == [
        ("china", "Europe/Berlin", NOW + timedelta(hours=1)),
        ("russia", "Europe/Berlin", NOW + timedelta(hours=2)),
    ]
    assert [s.topic for s in changed] == ["china", "russia"]
    assert store.chats.subscriptions(2)[0].next_run_at == NOW
    assert store.chats.ensure(1, timezone="UTC") == "Europe/Berlin"


def test_set_schedule_changes_spec_and_next_run(store):
    subscription = subscribe(store)

    store.chats.set_schedule(
        subscription.id, schedule="weekly fri 18:00", next_run_at=NOW + timedelta(1)
    )

    [changed] = store.chats.subscriptions(1)
    assert (changed.schedule, changed.next_run_at) == ("weekly fri 18:00", NOW + timedelta(1))


def test_migrated_group_keeps_its_subscriptions_under_the_new_id(store):
    subscribe(store, chat_id=-5, topic="russia", timezone="Asia/Tokyo")
    subscribe(store, chat_id=-5, topic="china", timezone="Asia/Tokyo")
    subscribe(store, chat_id=-1005, topic="china", timezone="Asia/Tokyo")

    store.chats.move(-5, -1005)

    assert store.chats.subscriptions(-5) == []
    moved = store.chats.subscriptions(-1005)
    assert [(s.topic, s.timezone) for s in moved] == [
        ("china", "Asia/Tokyo"),
        ("russia", "Asia/Tokyo"),
    ]
    assert [s.chat_id for s in store.chats.due_subscriptions(NOW)] == [-1005, -1005]


def test_migration_creates_the_new_chat_when_unknown(store):
    subscribe(store, chat_id=-5, timezone="Asia/Tokyo")

    store.chats.move(-5, -1005)

    assert [s.timezone for s in store.chats.subscriptions(-1005)] == ["Asia/Tokyo"]


def test_subscribing_twice_keeps_one_subscription(store):
    first, created = subscribe_weekly(store)
    again, created_again = subscribe_weekly(store)

    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.timezone == "Europe/Berlin"
    assert [s.topic for s in store.chats.subscriptions(1)] == ["russia"]


def test_unsubscribe_reports_whether_there_was_one(store):
    subscribe_weekly(store)

    assert store.chats.unsubscribe(1, "russia") is True
    assert store.chats.unsubscribe(1, "russia") is False
    assert store.chats.subscriptions(1) == []


def test_only_due_subscriptions_of_active_chats_are_due(store):
    subscribe_weekly(store, chat_id=1, next_run_at=NOW)
    subscribe_weekly(store, chat_id=2, next_run_at=NOW + timedelta(days=1))
    subscribe_weekly(store, chat_id=3, next_run_at=NOW)
    store.chats.set_active(3, False)

    due = store.chats.due_subscriptions(NOW)

    assert [s.chat_id for s in due] == [1]


def test_a_chats_language_is_set_once_by_ensure_changed_by_set_language_and_moved(store):
    assert store.chats.language(-5) is None
    subscribe(store, chat_id=-5)
    store.chats.ensure(-5, timezone="UTC", language="de")
    store.chats.ensure(-5, timezone="UTC", language="fr")  # a language already set stays

    assert store.chats.language(-5) == "de"
    store.chats.set_language(-5, "en")
    store.chats.move(-5, -1005)

    assert store.chats.language(-1005) == "en"
    assert [s.language for s in store.chats.subscriptions(-1005)] == ["en"]


def test_a_chat_another_process_created_meanwhile_is_kept_as_it_made_it(store):
    other = another_process(store)
    before_statement(
        store, "INSERT INTO chats", lambda: other.chats.ensure(5, timezone="Asia/Tokyo")
    )

    assert store.chats.ensure(5, timezone="UTC", language="de") == "Asia/Tokyo"
    assert store.chats.language(5) == "de"
    other.close()
