"""Quality gate: topic matching with the shipped aboutness model stays at or above the floors
pinned per labelled corpus (tests/summarizer/topics_baseline.json): the project's fixtures
always, the shared research corpora when ../shared is beside the repository (skipped cleanly
otherwise); and a store of one article gives each article the verdict it gets among all."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from summarizer.encoder import SentenceEncoder
from summarizer.topics.evaluation import (
    candidates_of,
    gather,
    load_corpus,
    method_predictions,
    score,
)
from summarizer.topics.matcher import TopicMatcher
from summarizer.topics.passages import TopicCandidate

REPO = Path(__file__).parents[2]
# The shared research data beside the repository (a worktree elsewhere can name it).
SHARED = Path(os.environ.get("DIGESTBOT_SHARED_DATA", REPO.parent / "shared"))
LABELS = REPO / "bench" / "labels"
OTHER_LANGUAGES = REPO / "tests" / "fixtures" / "topics-other-languages"
BASELINE = json.loads((Path(__file__).parent / "topics_baseline.json").read_text())


@pytest.fixture(scope="module")
def matcher() -> TopicMatcher:
    """In float32, as the floors and the shipped model were measured and fitted (on a CPU with
    AMX the bot's default encodes batches in bfloat16, which moves held-out figures by ±0.015)."""
    return TopicMatcher(SentenceEncoder(precision="float32"))


def corpus_or_skip(name: str):
    corpus = load_corpus(LABELS / f"{name}.json", SHARED, REPO)
    if corpus is None:
        pytest.skip(f"the {name} corpus is not in {SHARED}")
    return corpus


def test_the_fixture_labels_cover_every_fixture_article_and_entity_and_category_topics():
    corpus = corpus_or_skip("fixtures")
    stems = {stem for stem, _, _ in corpus.articles}
    labelled = {s for t in corpus.topics for s in t.about | t.passing}

    assert len(corpus.articles) >= 100 and labelled <= stems
    assert sum(t.kind == "entity" for t in corpus.topics) >= 10
    assert sum(t.kind == "category" for t in corpus.topics) >= 3


@pytest.mark.model
@pytest.mark.parametrize("name", sorted(BASELINE["floors"]))
def test_entity_f1_and_category_macro_f1_stay_above_their_floors(matcher, name):
    corpus = corpus_or_skip(name)
    items = gather(matcher, corpus, candidates_of(matcher, corpus))
    floors = BASELINE["floors"][name]

    result = score(items, method_predictions(matcher.model, items))

    assert result.entity_f1 >= floors["entity_f1"]
    assert result.category_macro_f1 >= floors["category_macro_f1"]


@pytest.mark.model
def test_each_article_alone_in_a_store_gets_its_verdict_among_all(matcher):
    corpus = corpus_or_skip("fixtures")
    candidates = candidates_of(matcher, corpus)

    for topic in ("russia", "china", "sport", "economy", "united states"):
        among_all = {m.id for m in matcher.match(topic, candidates)}
        alone = {m.id for c in candidates for m in matcher.match(topic, [c])}
        assert alone == among_all, topic


@pytest.mark.model
@pytest.mark.parametrize(
    ("name", "topic"), [("weather_fr.txt", "weather"), ("china_es.txt", "china")]
)
def test_an_article_in_another_language_is_found_alone_by_an_english_topic(matcher, name, topic):
    """The French storm report by category competition; the Spanish Beijing piece by its
    "chinas" (a form of the topic's stem) and its meaning."""
    assert found_alone(matcher, OTHER_LANGUAGES / name, topic)


@pytest.mark.model
@pytest.mark.xfail(
    strict=True,
    reason="judged alone, a German Kremlin story ('Kreml', 'Moskau') names no English name of "
    "Russia, and its cosine to the query (0.37) is that of neighbouring topics (README 'Topic "
    "matching', limits); the store-relative method found it among English articles",
)
def test_a_german_kremlin_story_is_found_alone_by_russia(matcher):
    assert found_alone(matcher, OTHER_LANGUAGES / "russia_de.txt", "russia")


def found_alone(matcher: TopicMatcher, path: Path, topic: str) -> bool:
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    title, body = title.strip(), body.strip()
    candidate = TopicCandidate(0, title, body, matcher.passage_vectors(title, body))
    return bool(matcher.match(topic, [candidate]))
