"""store.articles: dedupe by fingerprint and story, periods of publication and arrival, the
full-text index, the memory of articles read, and writes that race another process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event

from bot.core.domain import ArticleDraft
from bot.store import open_store
from tests.store import NOW, another_process, before_statement, draft
from tests.tables import count_articles


def test_identical_content_is_stored_once(store):
    first, created_first = store.articles.add(draft(), fingerprint="f", received_at=NOW)
    second, created_second = store.articles.add(draft("Other"), fingerprint="f", received_at=NOW)

    assert (created_first, created_second) == (True, False)
    assert second.id == first.id and second.title == "Title"
    assert count_articles(store) == 1


def test_the_full_text_index_finds_word_forms_and_phrases_in_titles_and_texts(store):
    def add(title: str, text: str) -> int:
        draft = ArticleDraft(title=title, text=text, source="a.txt")
        return store.articles.add(draft, fingerprint=title, received_at=NOW)[0].id

    kremlin = add("Kremlin talks", "The Russians and Russia's allies met in Moscow.")
    korea = add("North Korean launch", "Pyongyang fired a missile.")
    apart = add("Storm", "A storm in the north hit Korea.")
    cafe = add("Café culture", "Crêpes in Zürich.")
    dotted = add("Talks", "U.S. officials met.")
    sharply = add("Shares", "Prices went up sharply.")

    def naming(*names: list[str]) -> set[int]:
        return store.articles.naming(list(names))

    assert naming(["russi"]) == {kremlin}
    assert naming(["north", "kore"]) == {korea}
    assert naming(["kore"]) == {korea, apart}
    # diacritics are folded, as a reader types the name
    assert naming(["zürich"]) == naming(["zurich"]) == naming(["crepe"]) == {cafe}
    assert naming(["volcano"]) == set()
    assert naming([]) == naming() == set()
    # a one-letter term is that word alone: an abbreviation written with dots
    assert naming(["u", "s"]) == {dotted}
    assert naming(["up", "sharp"]) == {sharply}
    # any of several names, in one query: phrases stay phrases
    assert naming(["pyongyang"], ["north", "kore"], ["crêpe"]) == {korea, cafe}
    assert naming(["volcano"], ["north", "storm"]) == set()
    assert naming([], ["moscow"]) == {kremlin}
    with pytest.raises(ValueError, match="letters and digits"):
        naming(['x" OR "y'])


def test_datetimes_come_back_timezone_aware_utc(store):
    published = datetime(2024, 11, 3, tzinfo=UTC)
    article, _ = store.articles.add(draft(published=published), fingerprint="f", received_at=NOW)

    again = store.articles.get(article.id)

    assert again.published == published and again.published.tzinfo is not None
    assert again.received_at == NOW


def test_period_uses_publication_date_when_known_else_arrival(store):
    old = datetime(2024, 1, 1, tzinfo=UTC)
    store.articles.add(draft("old", published=old), fingerprint="1", received_at=NOW)
    store.articles.add(draft("undated"), fingerprint="2", received_at=NOW)
    store.articles.add(
        draft("recent", published=NOW - timedelta(days=2)), fingerprint="3", received_at=NOW
    )

    titles = {a.title for a in store.articles.dated_between(NOW - timedelta(days=7), NOW)}
    year = {a.title for a in store.articles.dated_between(old, NOW)}  # some from memory now
    again = store.articles.dated_between(NOW - timedelta(days=7), NOW)

    assert titles == {"undated", "recent"}
    assert year == {"old", "undated", "recent"}
    assert {a.title for a in again} == titles and again[0].received_at.tzinfo is not None


def test_arrival_window_is_open_at_start_and_closed_at_end(store):
    for i, offset in enumerate((0, 1, 2)):
        store.articles.add(
            draft(f"a{i}"), fingerprint=str(i), received_at=NOW + timedelta(hours=offset)
        )

    found = store.articles.received_between(NOW, NOW + timedelta(hours=2))

    assert [a.title for a in found] == ["a1", "a2"]


def test_a_new_source_of_a_stored_article_shows_in_later_reads(store):
    period = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    store.articles.add(draft(), fingerprint="f", received_at=NOW)
    [before] = store.articles.dated_between(*period)  # now held in the store's memory

    repost = ArticleDraft(title="Title", text="Title body.", source="b.txt")
    store.articles.add(repost, fingerprint="f", received_at=NOW)
    [after] = store.articles.dated_between(*period)

    assert before.also_from == ()
    assert after.also_from == ("b.txt",)


def test_an_article_stored_by_this_process_is_read_back_from_memory(store):
    period = (NOW - timedelta(days=1), NOW + timedelta(days=1))
    article, _ = store.articles.add(draft(), fingerprint="f", received_at=NOW)
    statements = []
    event.listen(store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))

    [read] = store.articles.dated_between(*period)

    assert read == article
    assert statements and not any("articles.title" in s for s in statements)  # ids only


def test_a_near_duplicate_whose_source_another_process_added_meanwhile_is_reported_stored(
    sqlite_store, tmp_path
):
    other = open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}")
    story = {"signature": b"s", "band_keys": ["band"], "same_story": lambda *_: True}
    original, _ = sqlite_store.articles.add(draft(), fingerprint="f1", received_at=NOW, **story)
    repost = ArticleDraft(title="Title", text="Title body, reworded.", source="b.txt")

    def other_process_first(_conn, _cursor, statement, *_args) -> None:
        if (
            statement.startswith("INSERT INTO article_sources")
            and not other.articles.get(original.id).also_from
        ):
            other.articles.add(repost, fingerprint="f3", received_at=NOW, **story)

    event.listen(sqlite_store.engine, "before_cursor_execute", other_process_first)

    stored, created = sqlite_store.articles.add(repost, fingerprint="f2", received_at=NOW, **story)

    assert (stored.id, created) == (original.id, False)
    assert stored.also_from == ("b.txt",)
    other.close()


REPOST = ArticleDraft(title="Title", text="Title body.", source="b.txt")
STORY = {"signature": b"s", "band_keys": ["band"], "same_story": lambda *_: True}


def test_an_article_another_process_stored_meanwhile_is_reported_stored(store):
    other = another_process(store)
    before_statement(
        store,
        "INSERT INTO articles",
        lambda: other.articles.add(draft(), fingerprint="f", received_at=NOW),
    )

    stored, created = store.articles.add(REPOST, fingerprint="f", received_at=NOW)

    assert (stored.source, stored.also_from, created) == ("a.txt", ("b.txt",), False)
    assert count_articles(store) == 1
    other.close()


def test_a_source_another_process_added_to_the_same_story_meanwhile_is_reported_stored(store):
    other = another_process(store)
    original, _ = store.articles.add(draft(), fingerprint="f1", received_at=NOW, **STORY)
    before_statement(
        store,
        "INSERT INTO article_sources",
        lambda: other.articles.add(REPOST, fingerprint="f3", received_at=NOW, **STORY),
    )

    stored, created = store.articles.add(REPOST, fingerprint="f2", received_at=NOW, **STORY)

    assert (stored.id, stored.also_from, created) == (original.id, ("b.txt",), False)
    other.close()


def test_an_article_and_then_its_source_stored_by_two_other_processes_is_reported_stored(store):
    second, third = another_process(store), another_process(store)
    before_statement(
        store,
        "INSERT INTO articles",
        lambda: second.articles.add(draft(), fingerprint="f", received_at=NOW),
    )
    before_statement(
        store,
        "INSERT INTO article_sources",
        lambda: third.articles.add(REPOST, fingerprint="f", received_at=NOW),
    )

    stored, created = store.articles.add(REPOST, fingerprint="f", received_at=NOW)

    assert (stored.source, stored.also_from, created) == ("a.txt", ("b.txt",), False)
    second.close()
    third.close()


def test_a_period_is_read_through_the_article_date_index(store):
    for day in range(3):
        published = NOW - timedelta(days=day)
        store.articles.add(draft(f"Day {day}", published), fingerprint=str(day), received_at=NOW)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", record)
    found = store.articles.dated_between(NOW - timedelta(days=1, hours=1), NOW)
    event.remove(store.engine, "before_cursor_execute", record)
    statement, parameters = next(s for s in statements if "coalesce" in s[0].lower())

    with store.engine.connect() as connection:
        if store.engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET enable_seqscan = off")  # a tiny table: force it
        plan = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).fetchall()
        if store.engine.dialect.name == "sqlite":
            plan = connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters
            ).fetchall()

    assert [a.title for a in found] == ["Day 0", "Day 1"]
    assert "ix_articles_dated" in " ".join(str(row) for row in plan)
