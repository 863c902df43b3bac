"""Selecting a topic's articles for a period: dates, relevance order, vectors computed once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.digest import compose_digest, normalize_topic, subjects_in_period
from bot.domain import ArticleDraft
from summarizer.text import split_sentences
from tests.fakes import FakeSummarizer

NOW = datetime(2024, 11, 10, tzinfo=UTC)
RUSSIA = (
    "Russia expanded its gas exports to Asia. Russian officials in Moscow said Russia wants to "
    "sell more gas. Russia signed new contracts with buyers in India."
)
FARMING = (
    "Farmers in Brazil expect a record soybean harvest. The crop agency raised its harvest "
    "forecast after good rains. Soybean exports should rise."
)


def add(store, title, text, *, published=None, received_at=NOW):
    article, _ = store.add_article(
        ArticleDraft(title=title, text=text, source=f"{title}.txt", published=published),
        fingerprint=title,
        received_at=received_at,
    )
    return article


@pytest.mark.parametrize(
    ("raw", "topic"),
    [
        ("Russia", "russia"),
        ("  North   KOREA ", "north korea"),
        ("china, -taiwan!", "china -taiwan"),
    ],
)
def test_topics_are_normalized(raw, topic):
    assert normalize_topic(raw) == topic


@pytest.mark.parametrize("raw", ["", "   ", "!!!", "x" * 101])
def test_empty_or_overlong_topics_are_refused_with_a_reason(raw):
    with pytest.raises(ValueError, match="topic"):
        normalize_topic(raw)


def test_digest_holds_only_matching_articles_of_the_period(sqlite_store, fake_matcher):
    add(sqlite_store, "gas", RUSSIA)
    add(sqlite_store, "soy", FARMING)
    add(sqlite_store, "old gas", RUSSIA + " Old.", published=NOW - timedelta(days=30))

    digest = compose_digest(
        sqlite_store, fake_matcher, "m", "russia", since=NOW - timedelta(days=7), until=NOW
    )

    assert [item.article.title for item in digest.items] == ["gas"]
    assert digest.items[0].summary is None


def test_digest_uses_stored_summaries_and_stores_missing_vectors(sqlite_store, fake_matcher):
    article = add(sqlite_store, "gas", RUSSIA)
    add(sqlite_store, "soy", FARMING)
    sqlite_store.save_summary(article.id, "m", text="Russia sells gas.")

    digest = compose_digest(
        sqlite_store, fake_matcher, "m", "russia", since=NOW - timedelta(days=1), until=NOW
    )

    assert digest.items[0].summary == "Russia sells gas."
    assert article.id in sqlite_store.vectors([article.id], fake_matcher.model_key)


def test_by_arrival_selects_what_arrived_after_the_cutoff(sqlite_store, fake_matcher):
    add(sqlite_store, "early", RUSSIA, received_at=NOW - timedelta(days=2))
    add(sqlite_store, "late", RUSSIA + " Later.", published=NOW - timedelta(days=60))

    digest = compose_digest(
        sqlite_store,
        fake_matcher,
        "m",
        "russia",
        since=NOW - timedelta(days=1),
        until=NOW,
        by_arrival=True,
    )

    assert [item.article.title for item in digest.items] == ["late"]


def test_subjects_of_the_period_suggest_topics(sqlite_store):
    add(sqlite_store, "gas", RUSSIA)
    add(sqlite_store, "soy", FARMING)

    subjects = subjects_in_period(sqlite_store, since=NOW - timedelta(days=1), until=NOW)

    assert subjects[0] == "russia"
    assert {"brazil", "moscow"} <= set(subjects)


def add_summarized(store, title, text, summary):
    article = add(store, title, text)
    store.save_summary(article.id, "m", text=summary)
    return article


def test_a_digest_of_several_articles_opens_with_the_summarizers_overview(
    sqlite_store, fake_matcher
):
    add_summarized(sqlite_store, "gas", RUSSIA, "Russia sells gas. To Asia.")
    add_summarized(sqlite_store, "oil", RUSSIA + " Oil too.", "Russia sells oil. To India.")

    digest = compose_digest(
        sqlite_store,
        fake_matcher,
        "m",
        "russia",
        since=NOW - timedelta(days=1),
        until=NOW,
        summarizer=FakeSummarizer(),
    )

    assert len(digest.items) == 2
    assert set(split_sentences(digest.overview)) == {"Russia sells gas.", "Russia sells oil."}


def test_a_digest_of_one_article_has_no_overview(sqlite_store, fake_matcher):
    add_summarized(sqlite_store, "gas", RUSSIA, "Russia sells gas.")

    digest = compose_digest(
        sqlite_store,
        fake_matcher,
        "m",
        "russia",
        since=NOW - timedelta(days=1),
        until=NOW,
        summarizer=FakeSummarizer(),
    )

    assert len(digest.items) == 1
    assert digest.overview is None


def test_a_failed_overview_leaves_the_digest_without_one(sqlite_store, fake_matcher):
    add_summarized(sqlite_store, "gas", RUSSIA, "Russia sells gas. FAIL-OVERVIEW.")
    add_summarized(sqlite_store, "oil", RUSSIA + " Oil too.", "Russia sells oil.")

    digest = compose_digest(
        sqlite_store,
        fake_matcher,
        "m",
        "russia",
        since=NOW - timedelta(days=1),
        until=NOW,
        summarizer=FakeSummarizer(),
    )

    assert len(digest.items) == 2
    assert digest.overview is None
