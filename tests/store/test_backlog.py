"""store.backlog: what waits, counted and dated in one read (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.domain import ArticleDraft

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def add_article(store, title: str, at: datetime) -> int:
    article, _ = store.articles.add(
        ArticleDraft(title=title, text=f"{title}. A report.", source="test.txt"),
        fingerprint=title, received_at=at,
    )  # fmt: skip
    return article.id


def test_an_empty_database_has_no_backlog(store):
    backlog = store.backlog.read("model", NOW)

    assert (backlog.summaries_pending, backlog.pushes_due, backlog.unfinished_deliveries) == (
        0, 0, 0,
    )  # fmt: skip
    assert backlog.oldest_pending_article is None and backlog.oldest_due_push is None


def test_the_backlog_counts_what_waits_and_dates_the_oldest(store):
    first = add_article(store, "Oldest", NOW - timedelta(hours=3))
    add_article(store, "Newer", NOW - timedelta(hours=1))
    done = add_article(store, "Summarized", NOW - timedelta(hours=5))
    store.summaries.save(done, "model", text="A summary.")
    store.summaries.save(first, "other model", text="Another model's summary.")
    for chat_id, due in ((1, NOW - timedelta(minutes=10)), (2, NOW + timedelta(hours=1))):
        store.chats.ensure(chat_id, timezone="UTC")
        subscription, _ = store.chats.subscribe(
            chat_id, "russia", schedule="daily 09:00", next_run_at=due, covered_until=NOW
        )
    store.chats.ensure(3, timezone="UTC")
    store.chats.subscribe(3, "russia", schedule="daily 09:00", next_run_at=NOW, covered_until=NOW)
    store.chats.set_active(3, False)  # a gone chat's push is not waiting
    store.deliveries.begin(subscription.id, due_at=NOW, covered_until=NOW, parts=["a digest"])

    backlog = store.backlog.read("model", NOW)

    assert backlog.summaries_pending == 2
    assert backlog.oldest_pending_article == NOW - timedelta(hours=3)
    assert backlog.pushes_due == 1
    assert backlog.oldest_due_push == NOW - timedelta(minutes=10)
    assert backlog.unfinished_deliveries == 1
