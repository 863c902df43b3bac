"""store.catalog: the latest articles, an article's sources with who sent them, deleting an
article with what hangs on it, and pruning by age that spares unfinished deliveries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from bot.core.domain import ArticleDraft, DeliveryStatus
from bot.store.rows import ArticleSourceRow, ArticleVectorsRow
from tests.store import NOW, draft, subscribe_weekly
from tests.tables import count_articles, deliveries


def add(store, title: str, *, at=NOW, chat_id=None, user_id=None, source="a.txt"):
    article = ArticleDraft(title=title, text=f"{title} body.", source=source)
    stored, _ = store.articles.add(
        article, fingerprint=title, received_at=at, chat_id=chat_id, user_id=user_id
    )
    return stored


def test_the_latest_articles_come_newest_first_and_only_among_the_ids_given(store):
    ids = [add(store, f"Story {n}").id for n in range(5)]

    assert [a.id for a in store.catalog.latest(3)] == ids[:1:-1][:3]
    assert [a.id for a in store.catalog.latest(10, among={ids[0], ids[3], 999})] == [
        ids[3],
        ids[0],
    ]
    assert store.catalog.latest(10, among=set()) == []
    assert store.catalog.count() == 5


def test_each_source_records_the_chat_and_the_user_who_sent_it(store):
    first = add(store, "Port strike", chat_id=-100, user_id=7, source="Telegram: Desk")
    store.articles.add(
        draft("Port strike"), fingerprint="Port strike", received_at=NOW + timedelta(hours=1),
        chat_id=8, user_id=8,
    )  # fmt: skip

    sources = store.catalog.sources(first.id)

    assert [(s.source, s.chat_id, s.user_id) for s in sources] == [
        ("Telegram: Desk", -100, 7),
        ("a.txt", 8, 8),
    ]
    assert store.catalog.sources(first.id + 100) == []


def test_deleting_an_article_removes_its_sources_summaries_vectors_and_index_entry(store):
    article = add(store, "Volcano erupts")
    kept = add(store, "Volcano quiet")
    store.summaries.save(article.id, "model", text="A summary.", error=None)
    store.summaries.save_vectors(article.id, "model", np.ones((2, 4), dtype=np.float32))

    assert store.catalog.delete(article.id) is True

    assert store.articles.get(article.id) is None
    assert store.catalog.sources(article.id) == []
    assert store.summaries.state(article.id, "model") == (None, None)
    assert store.articles.naming([["volcano"]]) == {kept.id}
    assert store.catalog.delete(article.id) is False
    with store.engine.connect() as connection:
        sources = connection.execute(ArticleSourceRow.__table__.select()).all()
        vectors = connection.execute(ArticleVectorsRow.__table__.select()).all()
    assert [row.article_id for row in sources] == [kept.id]
    assert vectors == []


def test_pruning_removes_old_articles_deliveries_and_feed_keys_but_spares_unfinished_pushes(
    store,
):
    old = add(store, "Old story", at=NOW - timedelta(days=40))
    shown = add(store, "Old story still being pushed", at=NOW - timedelta(days=40))
    new = add(store, "New story", at=NOW)
    store.summaries.save(old.id, "model", text="Old.", error=None)
    subscription, _ = subscribe_weekly(store)
    finished = store.deliveries.begin(
        subscription.id, due_at=NOW - timedelta(days=35), covered_until=NOW, parts=["a"],
        part_articles=[[(old.id, old.title)]],
    )  # fmt: skip
    store.deliveries.finish(finished.id, status=DeliveryStatus.SENT, next_run_at=NOW)
    sending = store.deliveries.begin(
        subscription.id, due_at=NOW, covered_until=NOW, parts=["b"],
        part_articles=[[(shown.id, shown.title)]],
    )  # fmt: skip
    feed, _ = store.feeds.add("http://x.test/rss", title="X", added_by=1, interval_s=60, now=NOW)
    store.feeds.mark_seen(feed.id, ["old-key"], NOW - timedelta(days=40))
    store.feeds.mark_seen(feed.id, ["new-key"], NOW)
    # deliveries are stamped finished at the real time: prune before a moment after it
    before = max(NOW, datetime.now(UTC)) + timedelta(minutes=1)
    before_articles = NOW - timedelta(days=30)

    pruned = store.catalog.prune(before_articles)
    pruned_later = store.catalog.prune(before)

    assert (pruned.articles, pruned.summaries, pruned.feed_keys) == (1, 1, 1)
    assert pruned.kept_for_deliveries == 1
    assert store.articles.get(old.id) is None and store.articles.get(shown.id) is not None
    assert pruned_later.deliveries == 1
    assert [status for status, *_ in deliveries(store, subscription.id)] == ["sending"]
    assert store.deliveries.get(sending.id) is not None
    assert store.articles.get(new.id) is None  # older than the later cut-off too
    assert count_articles(store) == 1
