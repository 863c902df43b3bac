"""A period's articles carried from the last period asked (`bot.store.periods`): never stale,
whatever was stored, deleted or given a source meanwhile, by this process or another."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import event

from bot.core.domain import ArticleDraft
from tests.store import NOW, another_process, draft

DAY = timedelta(days=1)


def add(store, title, *, published=None, received_at=NOW):
    article, _ = store.articles.add(
        draft(title, published), fingerprint=title, received_at=received_at
    )
    return article


def titles(articles):
    return [a.title for a in articles]


def test_a_period_asked_again_finds_the_articles_stored_since_by_any_process(store):
    add(store, "first")
    assert titles(store.articles.dated_between(NOW - DAY, NOW + DAY)) == ["first"]
    other = another_process(store)
    add(store, "mine")
    add(other, "theirs")
    add(other, "too old", published=NOW - 3 * DAY)

    assert titles(store.articles.dated_between(NOW - DAY, NOW + DAY)) == [
        "first",
        "mine",
        "theirs",
    ]
    other.close()


def test_an_article_deleted_by_any_process_leaves_the_next_period(store):
    doomed, theirs = add(store, "doomed"), add(store, "theirs")
    add(store, "kept")
    period = (NOW - DAY, NOW + DAY)
    assert len(store.articles.dated_between(*period)) == 3
    store.catalog.delete(doomed.id)
    assert titles(store.articles.dated_between(*period)) == ["theirs", "kept"]

    other = another_process(store)
    other.catalog.delete(theirs.id)
    assert titles(store.articles.dated_between(*period)) == ["kept"]
    other.close()


def test_an_article_deleted_and_another_stored_meanwhile_are_both_seen(store):
    # One row gone and one stored by another process: the row count alone stays the same.
    older = add(store, "older")
    add(store, "newest")
    period = (NOW - DAY, NOW + DAY)
    assert titles(store.articles.dated_between(*period)) == ["older", "newest"]
    other = another_process(store)
    other.catalog.delete(older.id)
    add(other, "replacement")

    assert titles(store.articles.dated_between(*period)) == ["newest", "replacement"]
    other.close()


def test_the_newest_article_deleted_by_another_process_leaves_the_period(store):
    # The largest id seen is gone: SQLite may give it to the next article stored. (The
    # articles kept in this process's memory by id do not tell a reused id's new article
    # from its old one: a limit of that memory, not of the carried period.)
    kept, newest = add(store, "kept"), add(store, "newest")
    period = (NOW - DAY, NOW + DAY)
    assert len(store.articles.dated_between(*period)) == 2
    other = another_process(store)
    other.catalog.delete(newest.id)
    assert titles(store.articles.dated_between(*period)) == ["kept"]
    other.catalog.delete(kept.id)
    stored = [add(other, f"new {i}").id for i in range(2)]

    assert [a.id for a in store.articles.dated_between(*period)] == stored
    other.close()


def test_a_period_that_moved_on_drops_the_older_articles_and_takes_those_it_now_reaches(store):
    add(store, "old", published=NOW - 2 * DAY)
    add(store, "recent")
    add(store, "ahead", published=NOW + 2 * DAY)  # dated after the first period's end
    assert titles(store.articles.dated_between(NOW - 3 * DAY, NOW)) == ["old", "recent"]

    assert titles(store.articles.dated_between(NOW - DAY, NOW + 3 * DAY)) == ["recent", "ahead"]
    assert titles(store.articles.dated_between(NOW - 3 * DAY, NOW)) == ["old", "recent"]


def test_a_source_added_by_another_process_shows_in_the_next_period(store):
    add(store, "story")
    period = (NOW - DAY, NOW + DAY)
    [before] = store.articles.dated_between(*period)
    other = another_process(store)
    repost = ArticleDraft(title="story", text="story body.", source="b.txt")
    other.articles.add(repost, fingerprint="story", received_at=NOW)

    [after] = store.articles.dated_between(*period)

    assert (before.also_from, after.also_from) == ((), ("b.txt",))
    other.close()


def test_an_unchanged_period_is_not_read_again(store):
    for i in range(3):
        add(store, f"a{i}")
    period = (NOW - DAY, NOW + DAY)
    first = store.articles.dated_between(*period)
    statements = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    again = store.articles.dated_between(period[0], period[1] + timedelta(seconds=1))

    assert again == first
    assert not any("ORDER BY articles.id" in s or "articles.title" in s for s in statements)


def test_carried_periods_equal_fresh_reads_through_random_changes(store):
    """Stored, deleted (by this process and another), given sources, periods moving on and
    back: each period read equals what a store reading it anew finds, by date and by arrival."""
    rng = random.Random(7)
    other = another_process(store)
    stored: list[int] = []
    start = NOW - 5 * DAY
    for step in range(60):
        action = rng.random()
        writer = store if rng.random() < 0.5 else other
        if action < 0.45 or not stored:
            published = start + timedelta(hours=rng.randrange(-48, 200))
            received = start + timedelta(hours=step, minutes=rng.randrange(60))
            title = f"s{step}"
            stored.append(add(writer, title, published=published, received_at=received).id)
        elif action < 0.6 and (writer is store or len(stored) > 1):
            # (not the newest by another process: see the test above)
            doomed = rng.randrange(len(stored) if writer is store else len(stored) - 1)
            writer.catalog.delete(stored.pop(doomed))
        elif action < 0.7:
            article = writer.articles.get(rng.choice(stored))
            repost = ArticleDraft(title=article.title, text=article.text, source=f"r{step}")
            writer.articles.add(repost, fingerprint=article.title, received_at=NOW)
        back = rng.randrange(48) if rng.random() < 0.15 else 0  # mostly moving on
        since = start + timedelta(hours=step - back)
        until = since + timedelta(hours=96)
        fresh = another_process(store)
        assert store.articles.dated_between(since, until) == fresh.articles.dated_between(
            since, until
        ), step
        assert store.articles.received_between(since, until) == (
            fresh.articles.received_between(since, until)
        ), step
        fresh.close()
    other.close()
