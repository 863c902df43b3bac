"""store.deliveries: a delivery's messages and progress move its subscription on when it
finishes, writers answer False once an unsubscribe removed the delivery, and leases (the push
lease and the claims renewed with it)."""

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


def test_renewing_a_lease_renews_the_holders_leases_named_with_the_prefix(store):
    def take(name: str, holder: str, seconds: int, renewing: str | None = None) -> bool:
        at = NOW + timedelta(seconds=seconds)
        return store.deliveries.take_lease(name, holder, now=at, ttl_s=30, renewing=renewing)

    assert take("claim 1", "a", 0) and take("other 1", "a", 0) and take("claim 2", "b", 0)
    assert take("pushes", "a", 20, renewing="claim ")  # a's claims now run until 50 s

    assert not take("claim 1", "b", 40)
    assert take("other 1", "b", 40) and take("claim 2", "a", 40)  # not renewed: expired


def test_dropped_leases_are_free_at_once_and_only_the_holders_are_dropped(store):
    for name in ("claim 1", "claim 12", "pushes"):
        assert store.deliveries.take_lease(name, "a", now=NOW, ttl_s=30)
    assert store.deliveries.take_lease("claim 2", "b", now=NOW, ttl_s=30)

    store.deliveries.drop_lease("claim 1", "a")
    assert store.deliveries.take_lease("claim 1", "b", now=NOW, ttl_s=30)
    assert not store.deliveries.take_lease("claim 12", "b", now=NOW, ttl_s=30)
    store.deliveries.drop_leases_of("a", "claim ")

    assert store.deliveries.take_lease("claim 12", "b", now=NOW, ttl_s=30)
    assert not store.deliveries.take_lease("pushes", "b", now=NOW, ttl_s=30)
    store.deliveries.drop_lease("claim 2", "a")  # b's: left as it is
    assert not store.deliveries.take_lease("claim 2", "a", now=NOW, ttl_s=30)


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


def test_a_removed_delivery_id_is_never_given_to_a_later_delivery(store):
    # A push task still sending the removed delivery writes by its id: reused, that id would
    # advance and finish the other subscription's delivery.
    first, _ = subscribe_weekly(store, chat_id=1)
    second, _ = subscribe_weekly(store, chat_id=2)
    removed = store.deliveries.begin(second.id, due_at=NOW, covered_until=NOW, parts=["a"])
    store.chats.unsubscribe(2, "russia")

    later = store.deliveries.begin(first.id, due_at=NOW, covered_until=NOW, parts=["b"])

    assert later.id != removed.id
    assert store.deliveries.mark_part_sent(removed.id, 1) is False
    assert store.deliveries.get(later.id).parts_sent == 0
