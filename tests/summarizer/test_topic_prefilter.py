"""The matcher reads the naming evidence only of the articles the store's full-text index finds
naming a topic, and ranks only those reaching the cut (`TopicMatcher.match`): its verdicts and
relevances must be those of the full pass, which reads every article (no index) and judges
every one (`TopicMatcher.probabilities`), on the labelled fixtures for many topics."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.domain import ArticleDraft
from bot.store import Store
from summarizer.encoder import SentenceEncoder
from summarizer.topics.decision import best_first
from summarizer.topics.evaluation import LabelledCorpus, load_corpus
from summarizer.topics.matcher import TopicMatcher
from summarizer.topics.passages import TopicCandidate

REPO = Path(__file__).parents[2]
# The labelled fixture topics, and others named in the fixtures (people, places, companies,
# words in passing) or nowhere, single words and phrases, entity and category kinds.
MORE_TOPICS = (
    "united states",
    "north korea",
    "kazakhstan",
    "beijing",
    "moscow",
    "putin",
    "ukraine",
    "europe",
    "oil",
    "football",
    "technology",
    "business",
    "politics",
    "climate",
    "cryptocurrency",
    "ukraine war",
    "bank of england",
    "interest rates",
    "chinese economy",
)


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return SentenceEncoder()


def stored_fixtures(
    matcher: TopicMatcher, store: Store
) -> tuple[LabelledCorpus, list[TopicCandidate]]:
    """The labelled fixture corpus, its articles stored (with the full-text index) and as the
    matcher's candidates by their store ids."""
    corpus = load_corpus(REPO / "bench" / "labels" / "fixtures.json", REPO.parent, REPO)
    stored = [
        store.articles.add(
            ArticleDraft(title=title, text=body, source=f"fixture/{stem}"),
            fingerprint=stem,
            received_at=datetime.now(UTC),
        )[0]
        for stem, title, body in corpus.articles
    ]
    vectors = matcher.vectors_many([(a.title, a.text) for a in stored])
    return corpus, [
        TopicCandidate(a.id, a.title, a.text, v) for a, v in zip(stored, vectors, strict=True)
    ]


@pytest.mark.model
def test_the_indexed_matcher_gives_the_full_pass_verdicts_for_many_topics(encoder, sqlite_store):
    indexed, full = TopicMatcher(encoder), TopicMatcher(encoder)
    corpus, candidates = stored_fixtures(indexed, sqlite_store)
    topics = sorted({t.name for t in corpus.topics} | set(MORE_TOPICS))
    assert len(topics) >= 25

    found = 0
    for topic in topics:
        matches = indexed.match(topic, candidates, articles_naming=sqlite_store.articles.naming)
        everything = best_first(candidates, full.probabilities(topic, candidates), full.model.cut)
        assert matches == everything, topic
        found += len(matches)
    assert found > 100  # the topics find articles: the comparison is not of empty lists


@pytest.mark.model
def test_a_matcher_asked_again_as_the_period_moves_on_gives_the_full_pass_verdicts(
    encoder, sqlite_store
):
    """What the matcher remembers per topic and article (`summarizer.topics.memory`) is
    carried as the period moves on: one article arrives, the oldest leave, the same period is
    asked again, many arrive, one in the middle is gone. Each time its verdicts are those of
    a full pass over that period."""
    remembering, full = TopicMatcher(encoder), TopicMatcher(encoder)
    corpus, every = stored_fixtures(remembering, sqlite_store)
    periods = [
        every[:60],
        every[:61],
        every[5:75],
        every[5:75],
        every[20:],
        every[20:50] + every[51:],
    ]
    topics = sorted({t.name for t in corpus.topics} | set(MORE_TOPICS))

    for step, period in enumerate(periods):
        for topic in topics:
            matches = remembering.match_query(
                topic, period, articles_naming=sqlite_store.articles.naming
            )
            everything = best_first(period, full.probabilities(topic, period), full.model.cut)
            assert matches == everything, (step, topic)
