"""A period's topic candidates: its articles with their passage vectors, as the matcher takes them.

Passage vectors are read from the store; an article that has none yet (the worker has not
reached it) gets them here, once (`ensure_vectors`). The candidates of the period last asked are
kept per store and matcher (`PeriodCandidates`), so a period that moves on builds only its new
articles' candidates.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Mapping

import numpy as np

from bot.core.domain import StoredArticle
from bot.store import Store
from summarizer.errors import SummarizationError, batch_or_each
from summarizer.topics.matcher import TopicMatcher
from summarizer.topics.passages import TopicCandidate

log = logging.getLogger(__name__)

# Per store, per matcher, by date and by arrival: the candidates of the period last asked.
_PERIOD_CANDIDATES: weakref.WeakKeyDictionary[
    Store, dict[tuple[int, str, bool], tuple[TopicMatcher, PeriodCandidates]]
] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def ensure_vectors(
    store: Store,
    matcher: TopicMatcher,
    articles: list[StoredArticle],
    *,
    computed: Mapping[int, np.ndarray] | None = None,
) -> dict[int, object]:
    """Passage vectors of `articles` by the matcher's model, storing the missing ones: taken
    from `computed` (by article id, e.g. the worker's encoder pass) or computed here. An
    article the encoder fails on is left out (logged), so it cannot take a whole digest down."""
    vectors = store.summaries.vectors([a.id for a in articles], matcher.model_key)
    missing = [a for a in articles if a.id not in vectors]
    known = dict(computed or {})
    if to_compute := [a for a in missing if a.id not in known]:
        docs = [(a.title, a.text) for a in to_compute]
        fresh = batch_or_each(matcher.vectors_many, docs)
        for article, result in zip(to_compute, fresh, strict=True):
            if isinstance(result, SummarizationError):
                log.error("article %d left out of topics: %s", article.id, result)
            else:
                known[article.id] = result
    for article in missing:
        if article.id in known:
            store.summaries.save_vectors(article.id, matcher.model_key, known[article.id])
            vectors[article.id] = known[article.id]
    return vectors


def topic_candidates(
    store: Store, matcher: TopicMatcher, articles: list[StoredArticle], *, by_arrival: bool = False
) -> list[TopicCandidate]:
    """`articles` as the matcher's candidates, with their passage vectors (`ensure_vectors`).

    The candidates of the last period asked are kept (`PeriodCandidates`), so a period that
    moved on builds only its new articles' candidates, and the matcher gets the very same
    vector arrays again, whose stacked rows it carries over. Periods by date (/digest) and by
    arrival (a push's new articles) are kept apart, so neither throws the other's away."""
    return _period_candidates(store, matcher, by_arrival).update(articles)


class PeriodCandidates:
    """The candidates of the period last asked of one store and matcher, by article id, and
    their article matrix: each article's passage vectors' unit mean, one contiguous row per
    candidate in the candidates' order (`article_matrix`), for scoring every article of the
    period against a query with one matrix-vector product. Both are carried over as the period
    moves: a call builds only what its new articles need."""

    def __init__(self, store: Store, matcher: TopicMatcher) -> None:
        self._store, self._matcher = store, matcher
        self._by_id: dict[int, TopicCandidate] = {}
        self._articles: list[StoredArticle] = []
        self._candidates: list[TopicCandidate] = []
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._lock = threading.Lock()

    def update(self, articles: list[StoredArticle]) -> list[TopicCandidate]:
        """The candidates of `articles` (those with vectors), in their order; these become
        the period kept. The same articles again (compared item by item, by identity first: a
        millisecond for 100,000) get the same list; an article the encoder failed on is tried
        again once the period changes."""
        with self._lock:
            if articles == self._articles:
                return self._candidates
            known = self._by_id
            if missing := [a for a in articles if a.id not in known]:
                vectors = ensure_vectors(self._store, self._matcher, missing)
                known |= {
                    a.id: TopicCandidate(a.id, a.title, a.text, vectors[a.id])
                    for a in missing
                    if a.id in vectors
                }
            self._candidates = [known[a.id] for a in articles if a.id in known]
            self._by_id = {c.id: c for c in self._candidates}
            self._articles = list(articles)
            return self._candidates

    def article_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, matrix) of the kept candidates: `matrix[i]` is the unit mean of the passage
        vectors of the candidate `ids[i]` (float32, one row per candidate, in their order)."""
        with self._lock:
            ids = np.fromiter((c.id for c in self._candidates), np.int64, len(self._candidates))
            if not np.array_equal(ids, self._ids):
                self._ids, self._matrix = ids, self._carried_matrix(ids)
            return self._ids, self._matrix

    def _carried_matrix(self, ids: np.ndarray) -> np.ndarray:
        """The article matrix of `ids`, the rows of the last one's ids it keeps copied."""
        row_of = {int(i): row for row, i in enumerate(self._ids)}
        kept = np.array([row_of.get(int(i), -1) for i in ids], dtype=np.int64)
        means = [
            _unit_mean(c.passage_vectors)
            for c, row in zip(self._candidates, kept, strict=True)
            if row < 0
        ]
        dim = len(means[0]) if means else self._matrix.shape[1]
        matrix = np.empty((len(ids), dim), dtype=np.float32)
        if (kept >= 0).any():
            matrix[kept >= 0] = self._matrix[kept[kept >= 0]]
        if means:
            matrix[kept < 0] = np.stack(means)
        return matrix


def _unit_mean(vectors: np.ndarray) -> np.ndarray:
    """The unit vector along the mean of `vectors` (zero when they sum to zero)."""
    total = vectors.sum(0)
    norm = float(np.linalg.norm(total))
    return total / norm if norm > 0 else total


def _period_candidates(
    store: Store, matcher: TopicMatcher, by_arrival: bool = False
) -> PeriodCandidates:
    """The `PeriodCandidates` of this store and matcher for periods by date or by arrival (one
    each, kept with the store)."""
    with _CACHE_LOCK:
        kept = _PERIOD_CANDIDATES.setdefault(store, {})
        key = (id(matcher), matcher.model_key, by_arrival)
        if key not in kept or kept[key][0] is not matcher:
            kept[key] = (matcher, PeriodCandidates(store, matcher))
        return kept[key][1]
