"""A digest's order kept per topic and its items made as they are read (`bot.app.ranking`):
never stale as articles arrive, change, leave the period or are deleted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app.digests import compose_digest
from bot.app.ranking import RankedItems, ranked
from bot.core.domain import ArticleDraft, DigestItem
from summarizer.topics.decision import TopicMatch
from tests.app.digest_helpers import NOW, RUSSIA, add

PERIOD = {"since": NOW - timedelta(days=2), "until": NOW + timedelta(hours=1)}


def titles(store, matcher, **period) -> list[str]:
    digest = compose_digest(store, matcher, "m", "russia", **(period or PERIOD))
    return [item.article.title for item in digest.items]


def test_a_digest_asked_again_shows_what_changed_since(sqlite_store, fake_matcher):
    old = add(sqlite_store, "old", RUSSIA, received_at=NOW - timedelta(days=1))
    add(sqlite_store, "gas", RUSSIA + " Gas.")
    assert titles(sqlite_store, fake_matcher) == ["gas", "old"]
    assert titles(sqlite_store, fake_matcher) == ["gas", "old"]  # as kept

    add(sqlite_store, "new", RUSSIA + " New.", received_at=NOW + timedelta(minutes=5))
    assert titles(sqlite_store, fake_matcher) == ["new", "gas", "old"]

    repost = ArticleDraft(title="gas", text=RUSSIA + " Gas.", source="b.txt")
    sqlite_store.articles.add(repost, fingerprint="gas", received_at=NOW)
    digest = compose_digest(sqlite_store, fake_matcher, "m", "russia", **PERIOD)
    assert [item.article.also_from for item in digest.items] == [(), ("b.txt",), ()]

    sqlite_store.catalog.delete(old.id)
    assert titles(sqlite_store, fake_matcher) == ["new", "gas"]
    later = {"since": NOW + timedelta(minutes=1), "until": NOW + timedelta(hours=1)}
    assert titles(sqlite_store, fake_matcher, **later) == ["new"]


def test_the_order_is_kept_while_the_matches_and_the_period_are_the_same(sqlite_store):
    articles = [
        add(sqlite_store, f"a{i}", RUSSIA, received_at=NOW + timedelta(i)) for i in range(3)
    ]
    matches = [TopicMatch(1, 0.9), TopicMatch(3, 0.9), TopicMatch(2, 0.7)]

    first, relevance = ranked(sqlite_store, "t", articles, matches)
    again, _ = ranked(sqlite_store, "t", list(articles), list(matches))
    other, _ = ranked(sqlite_store, "t", articles, matches[:2])

    assert [a.title for a in first] == ["a2", "a0", "a1"] and relevance == [0.9, 0.9, 0.7]
    assert again is first
    assert [a.title for a in other] == ["a2", "a0"]


def test_ranked_items_read_the_summaries_of_what_is_read_only(sqlite_store):
    articles = [
        add(sqlite_store, f"a{i}", RUSSIA, received_at=NOW + timedelta(i)) for i in range(5)
    ]
    asked: list[list[int]] = []

    def summaries(ids: list[int]) -> dict[int, str | None]:
        asked.append(ids)
        return {i: f"summary {i}" for i in ids if i % 2}

    items = RankedItems(articles, [0.9, 0.8, 0.7, 0.6, 0.5], summaries)
    page = items[1:3]
    last = items[-1]

    assert len(items) == 5 and asked == [[2, 3], [5]]
    assert page == [
        DigestItem(articles[1], None, 0.8),
        DigestItem(articles[2], "summary 3", 0.7),
    ]
    assert last == DigestItem(articles[4], "summary 5", 0.5)
    assert items == list(items) and items != [] and RankedItems([], [], summaries) == []
    with pytest.raises(IndexError):
        items[5]
