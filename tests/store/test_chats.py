"""The store's chat operations: time zone changes that reschedule, schedule changes, and moving a
group's subscriptions to its supergroup id; on SQLite and on PostgreSQL when reachable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)


def subscribe(store, chat_id: int = 1, topic: str = "russia", timezone: str = "UTC"):
    store.ensure_chat(chat_id, timezone=timezone)
    subscription, _ = store.subscribe(
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

    changed = store.set_timezone(1, "Europe/Berlin", reschedule)

    assert seen == ["Europe/Berlin", "Europe/Berlin"]
    assert [(s.topic, s.timezone, s.next_run_at) for s in store.subscriptions(1)] == [
        ("china", "Europe/Berlin", NOW + timedelta(hours=1)),
        ("russia", "Europe/Berlin", NOW + timedelta(hours=2)),
    ]
    assert [s.topic for s in changed] == ["china", "russia"]
    assert store.subscriptions(2)[0].next_run_at == NOW
    assert store.ensure_chat(1, timezone="UTC") == "Europe/Berlin"


def test_set_schedule_changes_spec_and_next_run(store):
    subscription = subscribe(store)

    store.set_schedule(subscription.id, schedule="weekly fri 18:00", next_run_at=NOW + timedelta(1))

    [changed] = store.subscriptions(1)
    assert (changed.schedule, changed.next_run_at) == ("weekly fri 18:00", NOW + timedelta(1))


def test_migrated_group_keeps_its_subscriptions_under_the_new_id(store):
    subscribe(store, chat_id=-5, topic="russia", timezone="Asia/Tokyo")
    subscribe(store, chat_id=-5, topic="china", timezone="Asia/Tokyo")
    subscribe(store, chat_id=-1005, topic="china", timezone="Asia/Tokyo")

    store.move_chat(-5, -1005)

    assert store.subscriptions(-5) == []
    moved = store.subscriptions(-1005)
    assert [(s.topic, s.timezone) for s in moved] == [
        ("china", "Asia/Tokyo"),
        ("russia", "Asia/Tokyo"),
    ]
    assert [s.chat_id for s in store.due_subscriptions(NOW)] == [-1005, -1005]


def test_migration_creates_the_new_chat_when_unknown(store):
    subscribe(store, chat_id=-5, timezone="Asia/Tokyo")

    store.move_chat(-5, -1005)

    assert [s.timezone for s in store.subscriptions(-1005)] == ["Asia/Tokyo"]
