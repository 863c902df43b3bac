"""Selecting a topic's articles for a period: dates, relevance order, vectors computed once."""

from __future__ import annotations

import gc
import time
import weakref
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import event

from bot.app.digests import (
    DigestRequest,
    _period_candidates,
    advise_on_empty_digest,
    compose_digest,
    freeze_long_lived,
    normalize_topic,
    paginate,
    parse_digest_request,
    recent_digest,
    subject_counts_in_period,
    topic_candidates,
    topics_with_articles,
    warm_up,
)
from bot.config import Settings
from bot.core.domain import ArticleDraft, Digest, DigestItem, StoredArticle
from bot.store import Store, open_store
from bot.wiring import Services
from summarizer.text import split_sentences
from summarizer.topics.aboutness import read_article
from tests.fakes import FakeSummarizer

NOW = datetime(2024, 11, 10, tzinfo=UTC)
RUSSIA = (
    "Russia expanded its gas exports to Asia. Russian officials in Moscow said Russia wants to "
    "sell more gas. Russia signed new contracts with buyers in India."
)
FARMING = (
    "Farmers in Brazil expect a record soybean harvest. The crop agency raised its harvest "
    "forecast after good rains. Soybean exports from Brazil should rise."
)


def add(store, title, text, *, published=None, received_at=NOW):
    article, _ = store.articles.add(
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
        ("Russia OR Ukraine", "russia or ukraine"),
    ],
)
def test_topics_are_normalized(raw, topic):
    assert normalize_topic(raw) == topic


@pytest.mark.parametrize("raw", ["", "   ", "!!!", "x" * 101, "-taiwan", "russia OR"])
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
    compose_digest(sqlite_store, fake_matcher, "m", "russia", **period)
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


def test_an_empty_digest_suggests_only_topics_whose_digest_has_articles(sqlite_store, fake_matcher):
    add(sqlite_store, "gas", RUSSIA)
    add(sqlite_store, "soy", FARMING)
    # Named by a text, but only in passing: its digest would be empty.
    add(sqlite_store, "rain", FARMING.replace("good rains", "rains over Paraguay"))
    since, until = NOW - timedelta(days=1), NOW
    named = [s for s, _ in subject_counts_in_period(sqlite_store, since, until)]

    suggested = topics_with_articles(
        sqlite_store, fake_matcher, since=since, until=until, leave_out="brazil"
    )

    assert "russia" in suggested and "brazil" not in suggested
    assert "paraguay" in named and "paraguay" not in suggested
    for topic in suggested:
        digest = compose_digest(sqlite_store, fake_matcher, "m", topic, since=since, until=until)
        assert digest.items, topic


def test_suggestions_leave_out_forum_interjections_and_fold_demonyms(sqlite_store, fake_matcher):
    add(sqlite_store, "forum", "Ehhhh. Lol. Russians say Russian gas is cheap. Haha, sure.")
    add(sqlite_store, "gas", RUSSIA)

    suggested = topics_with_articles(
        sqlite_store, fake_matcher, since=NOW - timedelta(days=1), until=NOW
    )

    assert suggested[0] == "russia"
    assert not {"ehhhh", "lol", "haha", "russian", "russians"} & set(suggested)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["russia"], DigestRequest("russia")),
        (["russia", "2"], DigestRequest("russia", page=2)),
        (["north", "korea", "3"], DigestRequest("north korea", page=3)),
        (["russia", "30d"], DigestRequest("russia", days=30)),
        (["russia", "30D", "2"], DigestRequest("russia", days=30, page=2)),
        (["russia", "2", "365d"], DigestRequest("russia", days=365, page=2)),
        (["russia", "1d", "9999"], DigestRequest("russia", days=1, page=9999)),
        (["russia", "3650d"], DigestRequest("russia", days=3650)),
        (["2"], DigestRequest("2")),
        (["30d"], DigestRequest("30d")),
        (["3d", "printing"], DigestRequest("3d printing")),
        (["russia", "2", "3"], DigestRequest("russia 2", page=3)),
        (["topic", "²"], DigestRequest("topic ²")),
        (["topic", "٢"], DigestRequest("topic ٢")),
        (["russia", "30days"], DigestRequest("russia 30days")),
    ],
)
def test_trailing_period_and_page_after_the_topic_are_read_and_other_words_are_the_topic(
    words, expected
):
    assert parse_digest_request(words) == expected


@pytest.mark.parametrize(
    ("words", "reason"),
    [
        (["russia", "0"], "Pages are 1 to 9999"),
        (["russia", "10000"], "Pages are 1 to 9999"),
        (["russia", "9" * 5000], "Pages are 1 to 9999"),
        (["russia", "0d"], "A period is 1 to 3650 days"),
        (["russia", "99999d"], "A period is 1 to 3650 days"),
        (["russia", "3651d", "2"], "A period is 1 to 3650 days"),
        (["russia", "1" * 5000 + "d"], "A period is 1 to 3650 days"),
        ([], "Give a topic"),
        (["!!", "30d"], "Give a topic"),
    ],
)
def test_a_page_or_period_out_of_range_or_no_topic_is_refused_with_a_reason(words, reason):
    with pytest.raises(ValueError, match=reason):
        parse_digest_request(words)


@pytest.mark.parametrize(
    ("request_", "page", "command"),
    [
        (DigestRequest("russia"), None, "/digest russia"),
        (DigestRequest("russia", page=3), None, "/digest russia 3"),
        (DigestRequest("north korea", days=30), 2, "/digest north korea 30d 2"),
    ],
)
def test_a_request_names_the_command_that_asks_for_it_and_reads_back(request_, page, command):
    assert request_.command(page) == command
    assert parse_digest_request(command.split()[1:]) == replace(
        request_, page=page or request_.page
    )


def test_a_topic_with_a_non_ascii_digit_gets_a_digest_answer_not_an_error(
    sqlite_store, fake_matcher
):
    add(sqlite_store, "gas", RUSSIA)
    request = parse_digest_request(["topic", "²"])

    digest = compose_digest(
        sqlite_store, fake_matcher, "m", request.topic, since=NOW - timedelta(days=7), until=NOW
    )

    assert digest.items == []


def digest_of(count: int) -> Digest:
    items = [
        DigestItem(StoredArticle(i, f"a{i}", "", "s", None, None, NOW), None, 1 - i / 100)
        for i in range(count)
    ]
    return Digest("russia", NOW - timedelta(days=7), NOW, items)


def test_pages_cut_the_ranked_articles_in_order():
    digest = digest_of(23)

    pages = [paginate(digest, n, 10) for n in (1, 2, 3)]

    assert [len(p.digest.items) for p in pages] == [10, 10, 3]
    assert [i.article.id for p in pages for i in p.digest.items] == list(range(23))
    assert {(p.count, p.total) for p in pages} == {(3, 23)}


def test_a_page_size_of_zero_puts_all_on_one_page_and_an_empty_digest_has_one_page():
    assert len(paginate(digest_of(23), 1, 0).digest.items) == 23
    assert (paginate(digest_of(0), 1, 10).count, paginate(digest_of(0), 1, 0).count) == (1, 1)


def test_a_page_past_the_last_is_refused_naming_the_last():
    with pytest.raises(ValueError, match="has 3 pages; the last is page 3"):
        paginate(digest_of(23), 4, 10)


def test_equally_relevant_articles_come_newest_first(sqlite_store, fake_matcher):
    add(sqlite_store, "older", RUSSIA, published=NOW - timedelta(days=3))
    add(sqlite_store, "newer", RUSSIA, published=NOW - timedelta(days=1))
    add(sqlite_store, "soy", FARMING)

    digest = compose_digest(
        sqlite_store, fake_matcher, "m", "russia", since=NOW - timedelta(days=7), until=NOW
    )

    assert [item.article.title for item in digest.items] == ["newer", "older"]


def test_subject_counts_tell_how_many_articles_of_the_period_name_each(sqlite_store):
    add(sqlite_store, "gas", RUSSIA + " On Monday Moscow agreed.")
    add(sqlite_store, "gas 2", "Russia and Brazil met in Moscow on Monday. They agreed.")
    add(sqlite_store, "soy", FARMING)
    add(sqlite_store, "old", "Russia. " * 5, published=NOW - timedelta(days=30))

    counts = dict(subject_counts_in_period(sqlite_store, NOW - timedelta(days=1), NOW))

    assert (counts["russia"], counts["moscow"], counts["brazil"]) == (2, 2, 2)
    assert "monday" not in counts and "on" not in counts


def test_subject_counts_follow_the_period_as_it_moves_and_articles_arrive(sqlite_store):
    add(sqlite_store, "gas", RUSSIA, received_at=NOW - timedelta(hours=30))
    add(sqlite_store, "soy", FARMING)
    first = dict(subject_counts_in_period(sqlite_store, NOW - timedelta(days=2), NOW))
    add(sqlite_store, "soy 2", "Brazil sold soy to China. " + FARMING)

    moved = dict(subject_counts_in_period(sqlite_store, NOW - timedelta(days=1), NOW))

    assert (first["russia"], first["brazil"]) == (1, 1)
    assert moved == {"brazil": 2, "china": 1}


def test_a_moving_period_builds_only_its_new_candidates_and_article_rows(
    sqlite_store, fake_matcher
):
    articles = [add(sqlite_store, f"a{i}", f"{RUSSIA} Story {i}.") for i in range(3)]
    first = topic_candidates(sqlite_store, fake_matcher, articles)
    _, first_matrix = _period_candidates(sqlite_store, fake_matcher).article_matrix()
    articles = articles[1:] + [add(sqlite_store, "farm", FARMING)]

    moved = topic_candidates(sqlite_store, fake_matcher, articles)
    ids, matrix = _period_candidates(sqlite_store, fake_matcher).article_matrix()

    assert moved[:2] == first[1:] and all(a is b for a, b in zip(moved, first[1:], strict=False))
    assert ids.tolist() == [a.id for a in articles] and matrix.flags.c_contiguous
    means = np.stack([c.passage_vectors.mean(0) for c in moved])
    assert np.allclose(matrix, means / np.linalg.norm(means, axis=1, keepdims=True), atol=1e-6)
    assert np.array_equal(matrix[:2], first_matrix[1:])


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


def recent_services(store, matcher) -> Services:
    """Services over `store` whose recent digests cover the articles `add_recent` stores."""
    return Services(
        settings=Settings(digest_days=7), store=store, summarizer=FakeSummarizer(), matcher=matcher
    )


def add_recent(store, title, text):
    return add(store, title, text, received_at=datetime.now(UTC) - timedelta(hours=1))


def test_after_warm_up_a_digest_reads_no_article_rows_vectors_or_passages(
    sqlite_store, fake_matcher
):
    # Neither text names the warm-up digest's topic, so only warming up splits their passages.
    add_recent(sqlite_store, "gas", "Russia sold gas to India. Moscow said Russia wants buyers.")
    add_recent(sqlite_store, "soy", FARMING)
    restarted = recent_services(Store(sqlite_store.engine), fake_matcher)  # memory empty
    read_article.cache_clear()
    warmed = warm_up(restarted)
    statements = []
    event.listen(sqlite_store.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    splits = read_article.cache_info().misses

    digest = recent_digest(restarted, "russia")

    assert warmed == 2
    assert [item.article.title for item in digest.items] == ["gas"]
    assert not [s for s in statements if "articles.title" in s or "article_vectors" in s]
    assert read_article.cache_info().misses == splits


def test_an_article_stored_after_warm_up_is_in_the_next_digest(sqlite_store, fake_matcher):
    add_recent(sqlite_store, "gas", RUSSIA)
    services = recent_services(sqlite_store, fake_matcher)
    warm_up(services)

    add_recent(sqlite_store, "oil", RUSSIA + " Oil too.")
    digest = recent_digest(services, "russia")

    assert {item.article.title for item in digest.items} == {"gas", "oil"}


def test_an_article_the_encoder_fails_on_is_left_out_and_the_digest_still_made(
    sqlite_store, fake_matcher
):
    add_recent(sqlite_store, "gas", RUSSIA)
    add_recent(sqlite_store, "poison", RUSSIA + " FAIL-ENCODE.")
    add_recent(sqlite_store, "oil", RUSSIA + " Oil too.")

    digest = recent_digest(recent_services(sqlite_store, fake_matcher), "russia")

    assert {item.article.title for item in digest.items} == {"gas", "oil"}


@pytest.fixture
def collector_unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_warm_up_moves_what_it_read_out_of_the_garbage_collectors_sight(
    sqlite_store, fake_matcher, collector_unfrozen
):
    add_recent(sqlite_store, "gas", RUSSIA)

    warm_up(recent_services(sqlite_store, fake_matcher))

    assert gc.get_freeze_count() > 0


class Node:
    pass


def test_refreezing_collects_garbage_then_moves_what_lives_out_of_sight(collector_unfrozen):
    freeze_long_lived()
    frozen = gc.get_freeze_count()
    kept = [Node() for _ in range(1000)]
    cycle = Node()
    cycle.itself = cycle
    dropped = weakref.ref(cycle)
    del cycle

    freeze_long_lived()

    assert gc.get_freeze_count() >= frozen + len(kept)
    assert dropped() is None  # collected before the freeze, not frozen with the living


def test_warm_up_embeds_the_competing_categories_before_any_article_arrives(
    sqlite_store, fake_matcher, monkeypatch
):
    services = recent_services(sqlite_store, fake_matcher)
    warm_up(services)
    encoded: list[str] = []
    encode = fake_matcher.encoder.encode
    monkeypatch.setattr(fake_matcher.encoder, "encode", lambda t: encoded.extend(t) or encode(t))

    add_recent(sqlite_store, "gas", RUSSIA)
    recent_digest(services, "exports")

    assert "exports" in encoded  # the query itself
    assert not {"crime and law", "news about crime and law"} & set(encoded)


def add_dated(store, title, text, days_ago):
    now = datetime.now(UTC)
    published = now - timedelta(days=days_ago)
    return add(store, title, text, published=published, received_at=now - timedelta(hours=1))


@pytest.mark.parametrize(("days_ago", "older_days"), [(20, 30), (700, 3650)])
def test_an_empty_digest_names_the_shortest_longer_period_whose_digest_holds_older_matches(
    sqlite_store, fake_matcher, days_ago, older_days
):
    add_dated(sqlite_store, "gas", RUSSIA, days_ago)
    add_dated(sqlite_store, "oil", RUSSIA + " Oil too.", days_ago + 1)
    add_recent(sqlite_store, "soy", FARMING + " Russia buys none.")
    services = recent_services(sqlite_store, fake_matcher)
    digest = recent_digest(services, "russia")

    advice = advise_on_empty_digest(services, digest, days=7)

    assert digest.items == []
    assert advice.older_days == older_days
    assert advice.older_count == len(recent_digest(services, "russia", days=older_days).items)
    assert advice.older_count >= 2
    assert "russia" not in advice.suggestions


def test_no_older_hint_for_a_topic_no_older_article_names_or_beyond_the_longest_period(
    sqlite_store, fake_matcher
):
    add_dated(sqlite_store, "gas", RUSSIA, 4000)
    add_recent(sqlite_store, "soy", FARMING)
    services = recent_services(sqlite_store, fake_matcher)

    unnamed = advise_on_empty_digest(services, recent_digest(services, "japan"), days=7)
    too_old = advise_on_empty_digest(services, recent_digest(services, "russia"), days=7)

    assert (unnamed.older_days, too_old.older_days) == (None, None)
    assert "brazil" in unnamed.suggestions
