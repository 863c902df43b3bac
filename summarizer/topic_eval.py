"""Measuring topic matching on a labelled folder: precision, recall and F1 per topic, macro-F1,
and the same for a keyword baseline. Used by `bench/topics.py` and the quality-gate test.

In the folder each `<label>_<n>.txt` holds a headline on line 1, a blank line, then the body;
every label (with '-' read as a space) is used as the topic query over all the articles.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from summarizer.topics import TopicCandidate, TopicMatcher


@dataclass(frozen=True)
class LabelledArticle:
    """One article of a labelled folder."""

    name: str
    label: str
    headline: str
    body: str


@dataclass(frozen=True)
class TopicScore:
    """Precision, recall and F1 of one topic query, for the matcher and the keyword baseline."""

    topic: str
    precision: float
    recall: float
    f1: float
    predicted: int
    keyword_precision: float
    keyword_recall: float
    keyword_f1: float
    seconds: float


def load_labelled(directory: Path) -> list[LabelledArticle]:
    """Every `<label>_<n>.txt` in `directory`, sorted by name."""
    articles = []
    for path in sorted(directory.glob("*_*.txt")):
        headline, _, body = path.read_text(encoding="utf-8").partition("\n")
        articles.append(
            LabelledArticle(path.stem, path.stem.split("_")[0], headline.strip(), body.strip())
        )
    return articles


def keyword_match(topic: str, text: str) -> bool:
    """Baseline: every word of the topic occurs in the text as a whole word."""
    words = set(re.findall(r"[^\W_]+", text.lower()))
    return all(word in words for word in re.findall(r"[^\W_]+", topic.lower()))


def precision_recall_f1(predicted: set[str], gold: set[str]) -> tuple[float, float, float]:
    """The usual figures of a predicted set against the gold one."""
    hits = len(predicted & gold)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return precision, recall, f1


def candidates_of(matcher: TopicMatcher, articles: list[LabelledArticle]) -> list[TopicCandidate]:
    """The articles as match candidates (id = index), their passages embedded in one batch."""
    vectors = matcher.vectors_many([(a.headline, a.body) for a in articles])
    return [
        TopicCandidate(i, a.headline, a.body, v)
        for i, (a, v) in enumerate(zip(articles, vectors, strict=True))
    ]


def evaluate(
    matcher: TopicMatcher, articles: list[LabelledArticle], candidates: list[TopicCandidate]
) -> list[TopicScore]:
    """One `TopicScore` per label, each label used as the topic query over all `candidates`."""
    results = []
    for label in sorted({a.label for a in articles}):
        topic = label.replace("-", " ")
        gold = {a.name for a in articles if a.label == label}
        started = time.perf_counter()
        matches = matcher.match_query(topic, candidates)
        seconds = time.perf_counter() - started
        predicted = {articles[m.id].name for m in matches}
        keyword = {a.name for a in articles if keyword_match(topic, f"{a.headline}\n{a.body}")}
        results.append(
            TopicScore(
                topic,
                *precision_recall_f1(predicted, gold),
                len(predicted),
                *precision_recall_f1(keyword, gold),
                seconds,
            )
        )
    return results


def macro_f1(scores: list[TopicScore], *, keyword: bool = False) -> float:
    """The mean F1 over topics, of the matcher or of the keyword baseline."""
    return sum(s.keyword_f1 if keyword else s.f1 for s in scores) / len(scores)
