"""Quality gate: topic matching on the project's labelled set stays at or above its pinned F1
floors (tests/summarizer/topics_baseline.json), and well above the keyword baseline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarizer.encoder import SentenceEncoder
from summarizer.topic_eval import candidates_of, evaluate, load_labelled, macro_f1
from summarizer.topics import TopicMatcher

LABELLED = Path(__file__).parents[1] / "fixtures" / "topics"
OTHER_LANGUAGES = Path(__file__).parents[1] / "fixtures" / "topics-other-languages"
BASELINE = json.loads((Path(__file__).parent / "topics_baseline.json").read_text())


@pytest.fixture(scope="module")
def scores():
    matcher = TopicMatcher(SentenceEncoder())
    articles = load_labelled(LABELLED)
    return evaluate(matcher, articles, candidates_of(matcher, articles))


def test_the_labelled_set_has_over_100_articles_in_at_least_4_topics():
    articles = load_labelled(LABELLED)

    assert len(articles) >= 100
    assert len({a.label for a in articles}) >= 4
    assert all(60 <= len(f"{a.headline} {a.body}".split()) <= 150 for a in articles)


@pytest.mark.model
def test_macro_f1_and_every_topic_stay_above_their_floors(scores):
    by_topic = {s.topic: s.f1 for s in scores}

    assert macro_f1(scores) >= BASELINE["macro_f1"]
    assert {t: f1 for t, f1 in by_topic.items() if f1 < BASELINE["f1"][t]} == {}
    assert macro_f1(scores) - macro_f1(scores, keyword=True) >= BASELINE["lead_over_keyword"]


@pytest.mark.model
def test_articles_in_other_languages_are_found_among_english_ones_by_an_english_topic():
    matcher = TopicMatcher(SentenceEncoder())
    english, foreign = load_labelled(LABELLED), load_labelled(OTHER_LANGUAGES)
    candidates = candidates_of(matcher, english + foreign)

    missed = [
        article.name
        for index, article in enumerate(foreign, start=len(english))
        if index not in {m.id for m in matcher.match_query(article.label, candidates)}
    ]

    assert len(foreign) == 3 and missed == []
