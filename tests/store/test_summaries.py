"""store.summaries: summaries per model (failures recorded, not retried), passage vectors and
their memory, and two workers saving at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sqlalchemy import text as sql_text

from bot.store import Store, open_store
from tests.store import NOW, draft


def open_store_like(store: Store) -> Store:
    """A second Store on the same database: its own, empty, vector cache."""
    return Store(store.engine)


def test_summaries_are_kept_per_model_and_failures_are_not_retried(store):
    a, _ = store.articles.add(draft("a"), fingerprint="a", received_at=NOW)
    b, _ = store.articles.add(draft("b"), fingerprint="b", received_at=NOW)
    store.summaries.save(a.id, "m1", text="summary a")
    store.summaries.save(b.id, "m1", text=None, error="model failed")

    assert store.summaries.missing("m1", 10) == []
    assert [x.id for x in store.summaries.missing("m2", 10)] == [a.id, b.id]
    assert store.summaries.texts([a.id, b.id], "m1") == {a.id: "summary a", b.id: None}
    assert store.summaries.state(b.id, "m1") == (None, "model failed")


def test_passage_vectors_round_trip(store):
    article, _ = store.articles.add(draft(), fingerprint="f", received_at=NOW)
    vectors = np.arange(12, dtype=np.float32).reshape(3, 4)

    store.summaries.save_vectors(article.id, "enc", vectors)

    assert np.array_equal(store.summaries.vectors([article.id], "enc")[article.id], vectors)
    assert store.summaries.vectors([article.id], "other") == {}


def test_vectors_once_read_come_from_memory_and_the_oldest_are_dropped(store, monkeypatch):
    monkeypatch.setattr("bot.store.cache.CACHED_ARTICLES", 2)
    ids = [
        store.articles.add(draft(f"t{n}"), fingerprint=f"f{n}", received_at=NOW)[0].id
        for n in range(3)
    ]
    for n, article_id in enumerate(ids):
        store.summaries.save_vectors(article_id, "enc", np.full((1, 4), n, dtype=np.float32))
    other = open_store_like(store)
    read = other.summaries.vectors(ids, "enc")
    with other.engine.begin() as connection:
        connection.execute(sql_text("DELETE FROM article_vectors"))

    cached = other.summaries.vectors(ids, "enc")

    assert sorted(read) == ids
    assert sorted(cached) == ids[1:]  # the first was dropped to keep two, then found gone
    assert cached[ids[2]][0, 0] == 2


def test_two_workers_saving_the_same_summaries_at_once_do_not_clash(store):
    other = open_store(store.engine.url.render_as_string(hide_password=False))
    articles = [
        store.articles.add(draft(f"a{n}"), fingerprint=f"a{n}", received_at=NOW)[0]
        for n in range(20)
    ]
    start = threading.Barrier(2)

    def worker(worker_store, name):
        start.wait()
        for article in articles:
            worker_store.summaries.save(article.id, "m", text=f"{name} {article.id}")
            worker_store.summaries.save_vectors(
                article.id, "enc", np.ones((1, 2), dtype=np.float32)
            )

    try:
        with ThreadPoolExecutor(2) as pool:
            done = [pool.submit(worker, s, name) for s, name in ((store, "x"), (other, "y"))]
            for future in done:
                future.result()  # re-raises an IntegrityError of either worker
    finally:
        other.close()

    summaries = store.summaries.texts([a.id for a in articles], "m")
    assert all(summaries[a.id] in (f"x {a.id}", f"y {a.id}") for a in articles)
    assert store.summaries.missing("m", 50) == []
    assert set(store.summaries.vectors([a.id for a in articles], "enc")) == {a.id for a in articles}


def test_saving_a_summary_again_replaces_the_text_and_clears_the_error(store):
    article, _ = store.articles.add(draft(), fingerprint="f", received_at=NOW)
    store.summaries.save(article.id, "m", text=None, error="model failed")

    store.summaries.save(article.id, "m", text="summary")

    assert store.summaries.state(article.id, "m") == ("summary", None)
