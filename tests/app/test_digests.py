"""Selecting a topic's articles for a period: dates, relevance order, vectors computed once."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import event

from bot.app.arguments import parse_digest_request
from bot.app.digests import compose_digest, recent_digest
from bot.store import open_store
from summarizer.text import split_sentences
from summarizer.topics.decision import TopicMatch
from tests.app.digest_helpers import (
    FARMING,
    NOW,
    RUSSIA,
    add,
    add_recent,
    recent_services,
)
from tests.fakes import FakeSummarizer


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
    sqlite_store.summaries.save(article.id, "m", text="Russia sells gas.")

    digest = compose_digest(
        sqlite_store, fake_matcher, "m", "russia", since=NOW - timedelta(days=1), until=NOW
    )

    assert digest.items[0].summary == "Russia sells gas."
    assert article.id in sqlite_store.summaries.vectors([article.id], fake_matcher.model_key)


def test_a_digest_is_composed_from_a_read_only_database(sqlite_store, fake_matcher, tmp_path):
    article = add(sqlite_store, "gas", RUSSIA)
    sqlite_store.summaries.save(article.id, "m", text="Russia sells gas.")
    read_only = open_store(f"sqlite:///file:{tmp_path / 'digestbot.sqlite3'}?mode=ro&uri=true")
    started = time.monotonic()

    digest = compose_digest(
        read_only, fake_matcher, "m", "russia", since=NOW - timedelta(days=1), until=NOW
    )

    assert [item.summary for item in digest.items] == ["Russia sells gas."]
    assert time.monotonic() - started < 2  # no retries of a write that cannot succeed
    assert (
        sqlite_store.summaries.vectors([article.id], fake_matcher.model_key) == {}
    )  # nothing written
    read_only.close()


def test_a_summary_is_read_once_and_one_made_later_still_shows(sqlite_store, fake_matcher):
    first = add(sqlite_store, "gas", RUSSIA)
    later = add(sqlite_store, "gas 2", RUSSIA + " Moscow agreed.")
    sqlite_store.summaries.save(first.id, "m", text="Russia sells gas.")
    period = {"since": NOW - timedelta(days=1), "until": NOW}
    list(compose_digest(sqlite_store, fake_matcher, "m", "russia", **period).items)  # read
    sqlite_store.summaries.save(later.id, "m", text="Moscow agreed.")
    asked = []
    event.listen(sqlite_store.engine, "before_cursor_execute", lambda *a: asked.append(a[2:4]))

    digest = compose_digest(sqlite_store, fake_matcher, "m", "russia", **period)

    assert {item.summary for item in digest.items} == {"Russia sells gas.", "Moscow agreed."}
    summary_reads = [params for statement, params in asked if "FROM summaries" in statement]
    assert len(summary_reads) == 1 and first.id not in summary_reads[0][1:]


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


def test_a_topic_with_a_non_ascii_digit_gets_a_digest_answer_not_an_error(
    sqlite_store, fake_matcher
):
    add(sqlite_store, "gas", RUSSIA)
    request = parse_digest_request(["topic", "²"])

    digest = compose_digest(
        sqlite_store, fake_matcher, "m", request.topic, since=NOW - timedelta(days=7), until=NOW
    )

    assert digest.items == []


def test_equally_relevant_articles_come_newest_first(sqlite_store, fake_matcher):
    add(sqlite_store, "older", RUSSIA, published=NOW - timedelta(days=3))
    add(sqlite_store, "newer", RUSSIA, published=NOW - timedelta(days=1))
    add(sqlite_store, "soy", FARMING)

    digest = compose_digest(
        sqlite_store, fake_matcher, "m", "russia", since=NOW - timedelta(days=7), until=NOW
    )

    assert [item.article.title for item in digest.items] == ["newer", "older"]


def test_articles_come_by_relevance_to_two_decimals_then_newest_first(
    sqlite_store, fake_matcher, monkeypatch
):
    days = {"old-top": 5, "old-tie": 4, "new-tie": 1, "new-low": 0}
    stored = {
        t: add(sqlite_store, t, RUSSIA, published=NOW - timedelta(days=d)) for t, d in days.items()
    }
    # 0.615 is 0.61 to two decimals (its binary value lies below), as 0.6149 is
    relevance = {"old-top": 0.9, "old-tie": 0.6149, "new-tie": 0.615, "new-low": 0.55}
    matches = [TopicMatch(stored[t].id, r) for t, r in relevance.items()]
    monkeypatch.setattr(fake_matcher, "match_query", lambda *args, **kwargs: matches)

    digest = compose_digest(
        sqlite_store, fake_matcher, "m", "russia", since=NOW - timedelta(days=7), until=NOW
    )

    assert [item.article.title for item in digest.items] == [
        "old-top",
        "new-tie",
        "old-tie",
        "new-low",
    ]
    assert [item.relevance for item in digest.items] == [0.9, 0.615, 0.6149, 0.55]


def compose_with_overview(store, matcher):
    """The last day's russia digest, with the fake summarizer making its overview."""
    return compose_digest(
        store,
        matcher,
        "m",
        "russia",
        since=NOW - timedelta(days=1),
        until=NOW,
        summarizer=FakeSummarizer(),
    )


def add_summarized(store, title, text, summary):
    article = add(store, title, text)
    store.summaries.save(article.id, "m", text=summary)
    return article


def test_a_digest_of_several_articles_opens_with_the_summarizers_overview(
    sqlite_store, fake_matcher
):
    add_summarized(sqlite_store, "gas", RUSSIA, "Russia sells gas. To Asia.")
    add_summarized(sqlite_store, "oil", RUSSIA + " Oil too.", "Russia sells oil. To India.")

    digest = compose_with_overview(sqlite_store, fake_matcher)

    assert len(digest.items) == 2
    assert set(split_sentences(digest.overview)) == {"Russia sells gas.", "Russia sells oil."}


def test_a_digest_of_one_article_has_no_overview(sqlite_store, fake_matcher):
    add_summarized(sqlite_store, "gas", RUSSIA, "Russia sells gas.")

    digest = compose_with_overview(sqlite_store, fake_matcher)

    assert len(digest.items) == 1
    assert digest.overview is None


def test_a_failed_overview_leaves_the_digest_without_one(sqlite_store, fake_matcher):
    add_summarized(sqlite_store, "gas", RUSSIA, "Russia sells gas. FAIL-OVERVIEW.")
    add_summarized(sqlite_store, "oil", RUSSIA + " Oil too.", "Russia sells oil.")

    digest = compose_with_overview(sqlite_store, fake_matcher)

    assert len(digest.items) == 2
    assert digest.overview is None


def test_the_overview_reads_the_summaries_of_the_most_relevant_articles_only(
    sqlite_store, fake_matcher, monkeypatch
):
    monkeypatch.setattr("bot.app.digests.OVERVIEW_ARTICLES", 2)
    add_summarized(sqlite_store, "gas", RUSSIA, "Russia sells gas.")
    add_summarized(sqlite_store, "oil", RUSSIA + " Oil too.", "Russia sells oil.")
    add_summarized(sqlite_store, "coal", RUSSIA + " Coal too.", "Russia sells coal.")

    digest = compose_with_overview(sqlite_store, fake_matcher)

    first_two = {item.summary for item in digest.items[:2]}
    assert len(digest.items) == 3
    assert set(split_sentences(digest.overview)) == first_two


class CountingSummarizer(FakeSummarizer):
    """The fake summarizer, counting the overviews it makes."""

    def __init__(self) -> None:
        self.overviews = 0

    def overview(self, summaries: list[str]) -> str:
        self.overviews += 1
        return super().overview(summaries)


def test_the_same_digest_asked_again_reuses_its_overview(sqlite_store, fake_matcher):
    add_summarized(sqlite_store, "gas", RUSSIA, "Russia sells gas.")
    add_summarized(sqlite_store, "oil", RUSSIA + " Oil too.", "Russia sells oil.")
    summarizer = CountingSummarizer()
    period = {"since": NOW - timedelta(days=1), "until": NOW}

    digests = [
        compose_digest(sqlite_store, fake_matcher, "m", "russia", summarizer=summarizer, **period)
        for _ in range(2)
    ]

    assert digests[0].overview == digests[1].overview is not None
    assert summarizer.overviews == 1


def test_an_article_the_encoder_fails_on_is_left_out_and_the_digest_still_made(
    sqlite_store, fake_matcher
):
    add_recent(sqlite_store, "gas", RUSSIA)
    add_recent(sqlite_store, "poison", RUSSIA + " FAIL-ENCODE.")
    add_recent(sqlite_store, "oil", RUSSIA + " Oil too.")

    digest = recent_digest(recent_services(sqlite_store, fake_matcher), "russia")

    assert {item.article.title for item in digest.items} == {"gas", "oil"}
