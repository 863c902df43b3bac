"""store.deliveries: a delivery's messages and progress move its subscription on when it
finishes, writers answer False once an unsubscribe removed the delivery, and the push lease."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from bot.store import open_store
from tests.store import NOW, another_process, before_statement, subscribe_weekly
from tests.tables import deliveries


def test_finished_delivery_moves_the_subscription_on(store):
    subscription, _ = subscribe_weekly(store)
    delivery = store.deliveries.begin(
        subscription.id, due_at=NOW, covered_until=NOW, parts=["one", "two"]
    )
    store.deliveries.mark_part_sent(delivery.id, 1)

    resumed = store.deliveries.unfinished(subscription.id)
    assert (resumed.parts, resumed.parts_sent) == (["one", "two"], 1)
    assert [s.id for s in store.chats.due_subscriptions(NOW - timedelta(days=1))] == [
        subscription.id
    ]

    store.deliveries.finish(delivery.id, status="sent", next_run_at=NOW + timedelta(days=7))

    moved = store.chats.subscriptions(1)[0]
    assert moved.covered_until == NOW and moved.next_run_at == NOW + timedelta(days=7)
    assert store.deliveries.unfinished(subscription.id) is None
    assert deliveries(store, subscription.id) == [("sent", 1, NOW)]


def test_failed_delivery_keeps_its_articles_for_the_next_push(store):
    subscription, _ = subscribe_weekly(store)
    delivery = store.deliveries.begin(subscription.id, due_at=NOW, covered_until=NOW, parts=["x"])

    store.deliveries.finish(delivery.id, status="failed", next_run_at=NOW + timedelta(days=7))

    assert store.chats.subscriptions(1)[0].covered_until == NOW - timedelta(days=7)


def test_a_lease_is_held_by_one_holder_until_it_expires_unrenewed(store):
    def take(holder: str, seconds: int) -> bool:
        return store.deliveries.take_lease(
            "pushes", holder, now=NOW + timedelta(seconds=seconds), ttl_s=30
        )

    assert take("a", 0) and not take("b", 10)
    assert take("a", 20) and not take("b", 49)  # renewed: now held until 50 s
    assert take("b", 51) and not take("a", 52)
    assert take("a", 82)  # b did not renew it


def test_two_processes_asking_for_a_free_lease_at_once_get_it_once(sqlite_store, tmp_path):
    stores = [open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}") for _ in range(8)]
    barrier = threading.Barrier(len(stores))

    def ask(index: int) -> bool:
        barrier.wait()
        return stores[index].deliveries.take_lease("pushes", f"p{index}", now=NOW, ttl_s=30)

    with ThreadPoolExecutor(len(stores)) as pool:
        taken = list(pool.map(ask, range(len(stores))))

    assert sum(taken) == 1
    for opened in stores:
        opened.close()


@pytest.mark.parametrize(
    "write",
    [
        lambda store, delivery: store.deliveries.mark_part_sent(delivery.id, 1),
        lambda store, delivery: store.deliveries.replace_parts(delivery.id, ["x"], [[]]),
        lambda store, delivery: store.deliveries.finish(
            delivery.id, status="sent", next_run_at=NOW
        ),
    ],
    ids=["mark_part_sent", "replace_parts", "finish"],
)
def test_a_delivery_an_unsubscribe_removed_meanwhile_answers_false_and_stays_gone(store, write):
    other = another_process(store)
    subscription, _ = subscribe_weekly(store)
    delivery = store.deliveries.begin(subscription.id, due_at=NOW, covered_until=NOW, parts=["a"])
    before_statement(store, "UPDATE deliveries", lambda: other.chats.unsubscribe(1, "russia"))

    assert write(store, delivery) is False
    assert store.deliveries.get(delivery.id) is None
    assert store.chats.subscriptions(1) == []
    other.close()


def test_a_delivery_begun_after_an_unsubscribe_is_not_recorded(store):
    subscription, _ = subscribe_weekly(store)
    store.chats.unsubscribe(1, "russia")

    begun = store.deliveries.begin(subscription.id, due_at=NOW, covered_until=NOW, parts=["a"])

    assert begun is None
    assert deliveries(store, subscription.id) == []


def test_a_second_delivery_of_the_same_push_is_refused(store):
    subscription, _ = subscribe_weekly(store)
    store.deliveries.begin(subscription.id, due_at=NOW, covered_until=NOW, parts=["a"])

    with pytest.raises(IntegrityError):
        store.deliveries.begin(subscription.id, due_at=NOW, covered_until=NOW, parts=["a"])
