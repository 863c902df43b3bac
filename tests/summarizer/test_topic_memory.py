"""What the topic matcher remembers of its period (`summarizer.topics.memory`): carried as the
period moves on, never stale: each answer is the one a fresh matcher gives."""

from __future__ import annotations

import numpy as np
import pytest

from summarizer.topics.evidence import CategoryCosines
from summarizer.topics.matcher import TopicMatcher
from summarizer.topics.passages import PassageMatrix, TopicCandidate
from summarizer.topics.settings import TopicSettings
from tests.fakes import naming_model
from tests.summarizer.test_topics import (
    FOOTBALL,
    KREMLIN,
    RATES,
    RUSSIA,
    STORM,
    ConceptEncoder,
    background,
    candidates,
    paragraph,
)

CATEGORIES = TopicSettings(categories=("sport", "weather", "economy"))


def fresh(settings: TopicSettings | None = None) -> TopicMatcher:
    return TopicMatcher(ConceptEncoder(), settings=settings, model=naming_model())  # type: ignore[arg-type]


def articles(matcher: TopicMatcher) -> list[TopicCandidate]:
    docs = [
        *background(),
        ("Russia", paragraph(RUSSIA)),
        ("Kremlin", paragraph(KREMLIN)),
        ("Storm again", f"{paragraph(STORM)}\n\n{paragraph(RUSSIA)}"),
        ("Cup final", paragraph(FOOTBALL)),
        ("Rates again", paragraph(RATES)),
    ]
    return candidates(matcher, docs)


@pytest.mark.parametrize("topic", ["russia", "weather", "economy", "russia OR storm"])
def test_a_topic_asked_as_the_period_moves_on_matches_as_a_fresh_matcher_does(topic) -> None:
    matcher = fresh(CATEGORIES)
    every = articles(matcher)
    periods = [
        every[:4],  # first asked
        every[:5],  # one new
        every[:5],  # the same again
        every[2:8],  # the oldest left, more came
        every[2:4] + every[5:8],  # one in the middle gone: not carried
        every[2:4] + every[5:],
    ]

    for step, period in enumerate(periods):
        assert matcher.match_query(topic, period) == fresh(CATEGORIES).match_query(topic, period), (
            step
        )


def test_only_the_new_articles_are_read_when_a_topic_is_asked_again(read) -> None:
    matcher = fresh()
    every = articles(matcher)
    matcher.match("russia", every[:4])
    read.clear()

    found = matcher.match("russia", every[1:6])

    assert read == ["Kremlin", "Storm again"]  # arrived since
    assert found == fresh().match("russia", every[1:6])
    read.clear()
    assert matcher.match("russia", every[1:6]) == found and read == []


def test_a_query_asked_again_keeps_its_matches_and_a_new_article_joins_them() -> None:
    matcher = fresh()
    every = articles(matcher)

    first = matcher.match_query("russia", every[:4])
    again = matcher.match_query("russia", every[:4])
    again.clear()  # a copy: what is kept is not changed
    later = matcher.match_query("russia", every[:5])

    assert [m.id for m in first] == [3]
    assert matcher.match_query("russia", every[:4]) == first
    assert [m.id for m in later] == [m.id for m in fresh().match_query("russia", every[:5])]
    assert {3, 4} <= {m.id for m in later}


def test_an_article_id_given_to_another_article_is_read_afresh(read) -> None:
    matcher = fresh()
    every = articles(matcher)
    matcher.match("russia", every[:5])
    storm = TopicCandidate(4, "Storm", paragraph(STORM), matcher.passage_vectors("", STORM))
    changed = [*every[:4], storm]
    read.clear()

    assert [m.id for m in matcher.match("russia", changed)] == [3]
    assert "Storm" in read


def test_the_categories_cosines_are_carried_as_the_period_moves_on() -> None:
    matcher = fresh(CATEGORIES)
    every = articles(matcher)
    phrases = matcher.kinds.category_phrases()
    memory = matcher._period

    for period in (every[:4], every[:6], every[1:8], every[1:8]):
        matrix = matcher.passage_matrix(period)
        cosines = memory.category_cosines(matrix, phrases)
        afresh = CategoryCosines.of(phrases, PassageMatrix.of(period, None))
        tail = memory.category_cosines(matrix.tail(2), phrases)

        assert np.allclose(cosines.by_article, afresh.by_article, atol=1e-6)
        assert np.allclose(cosines.by_passage, afresh.by_passage, atol=1e-6)
        assert np.array_equal(tail.by_article, cosines.by_article[-2:])
        assert len(tail.by_passage) == len(matrix.tail(2).vectors)


def test_matrices_number_their_articles_in_turn_and_a_second_successor_anew() -> None:
    rng = np.random.default_rng(5)
    every = [
        TopicCandidate(i, f"t{i}", "x", rng.standard_normal((1 + i % 3, 8)).astype(np.float32))
        for i in range(12)
    ]
    first = PassageMatrix.of(every[:6], None)
    moved = PassageMatrix.of(every[2:9], first)  # two left, three came
    branch = PassageMatrix.of([*every[:6], every[11]], first)  # another successor of `first`
    tail = moved.tail(3)

    assert (moved.articles.first, moved.articles.count) == (2, 7)
    assert first.articles.kept_in(moved.articles) == 4
    assert branch.articles.lineage is not first.articles.lineage
    assert first.articles.kept_in(branch.articles) is None
    assert tail.articles.offset_in(moved.articles) == 4
    assert first.articles.offset_in(moved.articles) is None
    assert np.array_equal(tail.vectors, PassageMatrix.of(every[6:9], None).vectors)
    assert tail.ids.tolist() == [6, 7, 8] and tail.starts[0] == 0


def test_a_second_period_asked_in_between_keeps_the_first_ones_matrix_and_memory(read) -> None:
    matcher = fresh()
    every = articles(matcher)
    digest, push = every[:6], every[5:7]  # /digest's week, a push's new articles
    first = matcher.passage_matrix(digest)
    matcher.match("russia", digest)
    matcher.match("russia", push)
    read.clear()

    again = matcher.match("russia", digest)
    kept = matcher.passage_matrix(digest)
    moved = matcher.match("russia", every[:7])

    assert kept is first
    assert read == ["Cup final"]  # only the article that arrived in /digest's period
    assert again == fresh().match("russia", digest)
    assert moved == fresh().match("russia", every[:7])
