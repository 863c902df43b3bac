"""The store: dedupe by fingerprint, periods, summaries per model, vectors, subscriptions and
deliveries (the schedule's state), on SQLite and on PostgreSQL when reachable."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import event
from sqlalchemy import text as sql_text
from sqlalchemy.exc import OperationalError

from bot.core.domain import ArticleDraft
from bot.store import DatabaseUnavailable, open_store
from bot.store.database import SQLITE_BUSY_TIMEOUT_S, DatabaseBusy, DatabaseGone
from bot.store.repository import Store

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)


def open_store_like(store: Store) -> Store:
    """A second Store on the same database: its own, empty, vector cache."""
    return Store(store.engine)


def draft(title: str = "Title", published: datetime | None = None) -> ArticleDraft:
    return ArticleDraft(title=title, text=f"{title} body.", source="a.txt", published=published)


def test_identical_content_is_stored_once(store):
    first, created_first = store.add_article(draft(), fingerprint="f", received_at=NOW)
    second, created_second = store.add_article(draft("Other"), fingerprint="f", received_at=NOW)

    assert (created_first, created_second) == (True, False)
    assert second.id == first.id and second.title == "Title"
    assert store.count_articles() == 1


def test_the_full_text_index_finds_word_forms_and_phrases_in_titles_and_texts(store):
    def add(title: str, text: str) -> int:
        draft = ArticleDraft(title=title, text=text, source="a.txt")
        return store.add_article(draft, fingerprint=title, received_at=NOW)[0].id

    kremlin = add("Kremlin talks", "The Russians and Russia's allies met in Moscow.")
    korea = add("North Korean launch", "Pyongyang fired a missile.")
    apart = add("Storm", "A storm in the north hit Korea.")
    cafe = add("Café culture", "Crêpes in Zürich.")

    assert store.articles_naming(["russi"]) == {kremlin}
    assert store.articles_naming(["north", "kore"]) == {korea}
    assert store.articles_naming(["kore"]) == {korea, apart}
    assert (store.articles_naming(["zürich"]), store.articles_naming(["zurich"])) == ({cafe}, set())
    assert store.articles_naming(["volcano"]) == set()
    assert store.articles_naming([]) == set()
    with pytest.raises(ValueError, match="letters and digits"):
        store.articles_naming(['x" OR "y'])


def test_datetimes_come_back_timezone_aware_utc(store):
    published = datetime(2024, 11, 3, tzinfo=UTC)
    article, _ = store.add_article(draft(published=published), fingerprint="f", received_at=NOW)

    again = store.article(article.id)

    assert again.published == published and again.published.tzinfo is not None
    assert again.received_at == NOW


def test_period_uses_publication_date_when_known_else_arrival(store):
    old = datetime(2024, 1, 1, tzinfo=UTC)
    store.add_article(draft("old", published=old), fingerprint="1", received_at=NOW)
    store.add_article(draft("undated"), fingerprint="2", received_at=NOW)
    store.add_article(
        draft("recent", published=NOW - timedelta(days=2)), fingerprint="3", received_at=NOW
    )

    titles = {a.title for a in store.articles_dated_between(NOW - timedelta(days=7), NOW)}
    year = {a.title for a in store.articles_dated_between(old, NOW)}  # some from memory now
    again = store.articles_dated_between(NOW - timedelta(days=7), NOW)

    assert titles == {"undated", "recent"}
    assert year == {"old", "undated", "recent"}
    assert {a.title for a in again} == titles and again[0].received_at.tzinfo is not None


def test_arrival_window_is_open_at_start_and_closed_at_end(store):
    for i, offset in enumerate((0, 1, 2)):
        store.add_article(
            draft(f"a{i}"), fingerprint=str(i), received_at=NOW + timedelta(hours=offset)
        )

    found = store.articles_received_between(NOW, NOW + timedelta(hours=2))

    assert [a.title for a in found] == ["a1", "a2"]


def test_summaries_are_kept_per_model_and_failures_are_not_retried(store):
    a, _ = store.add_article(draft("a"), fingerprint="a", received_at=NOW)
    b, _ = store.add_article(draft("b"), fingerprint="b", received_at=NOW)
    store.save_summary(a.id, "m1", text="summary a")
    store.save_summary(b.id, "m1", text=None, error="model failed")

    assert store.articles_missing_summary("m1", 10) == []
    assert [x.id for x in store.articles_missing_summary("m2", 10)] == [a.id, b.id]
    assert store.summaries([a.id, b.id], "m1") == {a.id: "summary a", b.id: None}
    assert store.summary_state(b.id, "m1") == (None, "model failed")


def test_passage_vectors_round_trip(store):
    article, _ = store.add_article(draft(), fingerprint="f", received_at=NOW)
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)

    store.save_vectors(article.id, "enc", vectors)

    assert np.array_equal(store.vectors([article.id], "enc")[article.id], vectors)
    assert store.vectors([article.id], "other") == {}


def test_vectors_once_read_come_from_memory_and_the_oldest_are_dropped(store, monkeypatch):
    monkeypatch.setattr("bot.store.repository.CACHED_ARTICLES", 2)
    ids = [
        store.add_article(draft(f"t{n}"), fingerprint=f"f{n}", received_at=NOW)[0].id
        for n in range(3)
    ]
    for n, article_id in enumerate(ids):
        store.save_vectors(article_id, "enc", np.full((1, 4), n, dtype=np.float32))
    other = open_store_like(store)
    read = other.vectors(ids, "enc")
    with other.engine.begin() as connection:
        connection.execute(sql_text("DELETE FROM article_vectors"))

    cached = other.vectors(ids, "enc")

    assert sorted(read) == ids
    assert sorted(cached) == ids[1:]  # the first was dropped to keep two, then found gone
    assert cached[ids[2]][0, 0] == 2


def test_two_workers_saving_the_same_summaries_at_once_do_not_clash(store):
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    articles = [
        store.add_article(draft(f"a{n}"), fingerprint=f"a{n}", received_at=NOW)[0]
        for n in range(20)
    ]
    start = threading.Barrier(2)

    def worker(worker_store, name):
        start.wait()
        for article in articles:
            worker_store.save_summary(article.id, "m", text=f"{name} {article.id}")
            worker_store.save_vectors(article.id, "enc", np.ones((1, 2), dtype=np.float32))

    try:
        with ThreadPoolExecutor(2) as pool:
            done = [pool.submit(worker, s, name) for s, name in ((store, "x"), (other, "y"))]
            for future in done:
                future.result()  # re-raises an IntegrityError of either worker
    finally:
        other.close()

    summaries = store.summaries([a.id for a in articles], "m")
    assert all(summaries[a.id] in (f"x {a.id}", f"y {a.id}") for a in articles)
    assert store.articles_missing_summary("m", 50) == []
    assert set(store.vectors([a.id for a in articles], "enc")) == {a.id for a in articles}


def test_saving_a_summary_again_replaces_the_text_and_clears_the_error(store):
    article, _ = store.add_article(draft(), fingerprint="f", received_at=NOW)
    store.save_summary(article.id, "m", text=None, error="model failed")

    store.save_summary(article.id, "m", text="summary")

    assert store.summary_state(article.id, "m") == ("summary", None)


def subscribe(store, chat_id=1, topic="russia", next_run_at=NOW):
    store.ensure_chat(chat_id, timezone="Europe/Berlin")
    return store.subscribe(
        chat_id,
        topic,
        schedule="weekly mon 09:00",
        next_run_at=next_run_at,
        covered_until=NOW - timedelta(days=7),
    )


def test_subscribing_twice_keeps_one_subscription(store):
    first, created = subscribe(store)
    again, created_again = subscribe(store)

    assert (created, created_again) == (True, False)
    assert again.id == first.id and again.timezone == "Europe/Berlin"
    assert [s.topic for s in store.subscriptions(1)] == ["russia"]


def test_unsubscribe_reports_whether_there_was_one(store):
    subscribe(store)

    assert store.unsubscribe(1, "russia") is True
    assert store.unsubscribe(1, "russia") is False
    assert store.subscriptions(1) == []


def test_only_due_subscriptions_of_active_chats_are_due(store):
    subscribe(store, chat_id=1, next_run_at=NOW)
    subscribe(store, chat_id=2, next_run_at=NOW + timedelta(days=1))
    subscribe(store, chat_id=3, next_run_at=NOW)
    store.set_chat_active(3, False)

    due = store.due_subscriptions(NOW)

    assert [s.chat_id for s in due] == [1]


def test_finished_delivery_moves_the_subscription_on(store):
    subscription, _ = subscribe(store)
    delivery = store.begin_delivery(
        subscription.id, due_at=NOW, covered_until=NOW, parts=["one", "two"]
    )
    store.mark_part_sent(delivery.id, 1)

    resumed = store.unfinished_delivery(subscription.id)
    assert (resumed.parts, resumed.parts_sent) == (["one", "two"], 1)
    assert [s.id for s in store.due_subscriptions(NOW - timedelta(days=1))] == [subscription.id]

    store.finish_delivery(delivery.id, status="sent", next_run_at=NOW + timedelta(days=7))

    moved = store.subscriptions(1)[0]
    assert moved.covered_until == NOW and moved.next_run_at == NOW + timedelta(days=7)
    assert store.unfinished_delivery(subscription.id) is None
    assert store.deliveries(subscription.id) == [("sent", 1, NOW)]


def test_failed_delivery_keeps_its_articles_for_the_next_push(store):
    subscription, _ = subscribe(store)
    delivery = store.begin_delivery(subscription.id, due_at=NOW, covered_until=NOW, parts=["x"])

    store.finish_delivery(delivery.id, status="failed", next_run_at=NOW + timedelta(days=7))

    assert store.subscriptions(1)[0].covered_until == NOW - timedelta(days=7)


def test_unreachable_database_raises_database_unavailable_after_retries(sqlite_store, monkeypatch):
    calls = []

    def broken(session):
        calls.append(1)
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("bot.store.repository.RETRY_DELAYS_S", (0.0, 0.0))

    with pytest.raises(DatabaseUnavailable, match="server closed the connection"):
        sqlite_store._run(broken)
    assert len(calls) == 3


def test_a_new_source_of_a_stored_article_shows_in_later_reads(store):
    period = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    store.add_article(draft(), fingerprint="f", received_at=NOW)
    [before] = store.articles_dated_between(*period)  # now held in the store's memory

    repost = ArticleDraft(title="Title", text="Title body.", source="b.txt")
    store.add_article(repost, fingerprint="f", received_at=NOW)
    [after] = store.articles_dated_between(*period)

    assert before.also_from == ()
    assert after.also_from == ("b.txt",)


def test_an_article_stored_by_this_process_is_read_back_from_memory(store):
    period = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    article, _ = store.add_article(draft(), fingerprint="f", received_at=NOW)
    statements = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    [read] = store.articles_dated_between(*period)

    assert read == article
    assert len(statements) == 1 and "articles.title" not in statements[0]  # the ids only


def test_a_near_duplicate_whose_source_another_process_added_meanwhile_is_reported_stored(
    sqlite_store, tmp_path
):
    other = open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}")
    story = {"signature": b"s", "band_keys": ["band"], "same_story": lambda *_: True}
    original, _ = sqlite_store.add_article(draft(), fingerprint="f1", received_at=NOW, **story)
    repost = ArticleDraft(title="Title", text="Title body, reworded.", source="b.txt")

    def other_process_first(_conn, _cursor, statement, *_args) -> None:
        if (
            statement.startswith("INSERT INTO article_sources")
            and not other.article(original.id).also_from
        ):
            other.add_article(repost, fingerprint="f3", received_at=NOW, **story)

    event.listen(sqlite_store.engine, "before_cursor_execute", other_process_first)

    stored, created = sqlite_store.add_article(repost, fingerprint="f2", received_at=NOW, **story)

    assert (stored.id, created) == (original.id, False)
    assert stored.also_from == ("b.txt",)
    other.close()


def test_feed_entries_another_process_marked_seen_meanwhile_do_not_fail(sqlite_store, tmp_path):
    other = open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}")
    feed, _ = sqlite_store.add_feed(
        "https://example.org/rss", title="Feed", added_by=1, interval_s=60, now=NOW
    )

    def other_process_first(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("INSERT INTO feed_entries") and not other.seen_entry_keys(
            feed.id, ["id:a"]
        ):
            other.mark_entries_seen(feed.id, ["id:a", "link:a"], NOW)

    event.listen(sqlite_store.engine, "before_cursor_execute", other_process_first)

    sqlite_store.mark_entries_seen(feed.id, ["id:a", "link:a", "id:a"], NOW)

    assert sqlite_store.seen_entry_keys(feed.id, ["id:a", "link:a"]) == {"id:a", "link:a"}
    other.close()


def test_a_lease_is_held_by_one_holder_until_it_expires_unrenewed(store):
    def take(holder: str, seconds: int) -> bool:
        return store.take_lease("pushes", holder, now=NOW + timedelta(seconds=seconds), ttl_s=30)

    assert take("a", 0) and not take("b", 10)
    assert take("a", 20) and not take("b", 49)  # renewed: now held until 50 s
    assert take("b", 51) and not take("a", 52)
    assert take("a", 82)  # b did not renew it


def test_two_processes_asking_for_a_free_lease_at_once_get_it_once(sqlite_store, tmp_path):
    stores = [open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}") for _ in range(8)]
    barrier = threading.Barrier(len(stores))

    def ask(index: int) -> bool:
        barrier.wait()
        return stores[index].take_lease("pushes", f"p{index}", now=NOW, ttl_s=30)

    with ThreadPoolExecutor(len(stores)) as pool:
        taken = list(pool.map(ask, range(len(stores))))

    assert sum(taken) == 1
    for opened in stores:
        opened.close()


def test_a_database_locked_by_another_connection_answers_busy_within_seconds(
    sqlite_store, tmp_path
):
    holder = sqlite3.connect(tmp_path / "digestbot.sqlite3")
    holder.execute("BEGIN IMMEDIATE")  # e.g. a backup or a stuck process holding the write lock
    started = time.monotonic()

    with pytest.raises(DatabaseBusy):
        sqlite_store.ensure_chat(1, timezone="UTC")

    assert time.monotonic() - started < SQLITE_BUSY_TIMEOUT_S + 2  # was 124 s
    holder.rollback()
    holder.close()


@pytest.mark.parametrize("replaced", [False, True])
def test_a_database_file_deleted_or_replaced_while_running_is_noticed(
    sqlite_store, tmp_path, replaced
):
    sqlite_store.check_file()  # the file opened at start: nothing to say
    path = tmp_path / "digestbot.sqlite3"
    path.unlink()
    if replaced:
        open_store(f"sqlite:///{path}").close()

    with pytest.raises(DatabaseGone, match="deleted or replaced"):
        sqlite_store.check_file()
