"""What the topic matcher remembers of the periods it was last asked about (`PeriodMemory`).

A topic's verdict on an article depends on that article alone (`summarizer.topics.aboutness`),
so what was worked out for the articles of one passage matrix holds for the same articles in
the next one carried from it (`summarizer.topics.passages.ArticleRange`): a topic asked again
over a period that moved on works out only the articles that arrived. At 100,000 articles,
asking a broad topic again cost 100–300 ms of matrix products and naming evidence, and one new
article cost a category topic its cosines to the categories over every passage (140–190 ms).
(A value worked out over a few new rows may differ from the one over all rows in its last bit,
as the same row's does at another place in a matrix: BLAS sums in blocks.)
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

import numpy as np

from summarizer.topics.decision import TopicMatch
from summarizer.topics.evidence import CategoryCosines, CategoryPhrases
from summarizer.topics.passages import ArticleRange, PassageMatrix, TopicCandidate

V = TypeVar("V")
# Topics whose probability per article of a period is kept (400 KB each at 100,000 articles),
# and queries whose matches are (up to a few MB each: a broad topic matches a fifth).
REMEMBERED_TOPICS = 64
REMEMBERED_QUERIES = 16
# Periods whose matrices are kept: /digest's, and a subscription's push (its new articles) or a
# longer /digest, without either throwing the other's away.
PERIODS = 2


class PeriodMemory:
    """The last `PERIODS` passage matrices (each carried into the next of its period:
    `PassageMatrix.of`), and per article of their lineages: the categories' cosines, each of
    the last `topics` topics' probabilities (carried as the period moves on), and the last
    `queries` queries' matches (for the very same matrix)."""

    def __init__(self, *, topics: int = REMEMBERED_TOPICS, queries: int = REMEMBERED_QUERIES):
        self._matrices: list[PassageMatrix] = []  # the most recently asked first
        self._cosines: _RangeMemory[CategoryCosines] = _RangeMemory(PERIODS)
        self._probabilities: _RangeMemory[np.ndarray] = _RangeMemory(topics)
        self._matches: _RangeMemory[list[TopicMatch]] = _RangeMemory(queries)
        self._lock = threading.Lock()

    def matrix(self, articles: list[TopicCandidate]) -> PassageMatrix:
        """The stacked vectors of `articles`: a kept matrix of the very same arrays (the store
        hands out its cached ones) in the same order, else a new one. When the articles begin
        with most of a kept matrix's (its period moved on), that one's rows are carried and
        the new one takes its place; else it is another period's (a push's few new articles
        are not carried from /digest's week, whose matrix would then be copied anew when the
        week moves on), and the least recently asked is dropped past `PERIODS`."""
        with self._lock:
            kept = list(self._matrices)
        previous, carried = None, 0
        for known in kept:
            first_row, count = known.rows_carried_into(articles)
            if (first_row, count) == (0, len(articles)):
                matrix = previous = known
                break
            if count > carried and 2 * count >= len(known.sources):  # that period moved on
                previous, carried = known, count
        else:
            matrix = PassageMatrix.of(articles, previous)
        with self._lock:
            others = [m for m in self._matrices if m is not previous and m is not matrix]
            self._matrices = [matrix, *others][:PERIODS]
        return matrix

    def category_cosines(self, matrix: PassageMatrix, phrases: CategoryPhrases) -> CategoryCosines:
        """The categories' cosines to `matrix`: when a kept matrix holds its articles (it is
        that matrix or its `tail`), sliced from that matrix's, which are carried from the
        matrix before it (only the new articles' worked out)."""
        with self._lock:
            matrices = list(self._matrices)
        holding = [m for m in matrices if matrix.articles.offset_in(m.articles) is not None]
        if not holding:
            return CategoryCosines.of(phrases, matrix)
        whole = holding[0]
        offset = matrix.articles.offset_in(whole.articles)

        def carried(kept: CategoryCosines | None, count: int) -> CategoryCosines:
            new = whole.tail(len(whole.sources) - count)
            fresh = CategoryCosines.of(phrases, new)
            if kept is None:
                return fresh
            rows = len(whole.vectors) - len(new.vectors)  # the kept articles' passages
            by_article, by_passage = kept.by_article, kept.by_passage
            return CategoryCosines(
                np.concatenate([by_article[len(by_article) - count :], fresh.by_article]),
                np.concatenate([by_passage[len(by_passage) - rows :], fresh.by_passage]),
            )

        cosines = self._cosines.carried(whole.articles.lineage, whole.articles, carried)
        rows = whole.passage_row(offset)
        return CategoryCosines(
            cosines.by_article[offset : offset + len(matrix.sources)],
            cosines.by_passage[rows : rows + len(matrix.vectors)],
        )

    def probabilities(
        self, key: Hashable, matrix: PassageMatrix, compute: Callable[[int], np.ndarray]
    ) -> np.ndarray:
        """A topic's (`key`'s) probability per article of `matrix`: those kept for the articles
        it shares with the matrix they were worked out for, and `compute(count)`'s for its last
        `count` articles, the others. Not to be written to."""

        def carried(kept: np.ndarray | None, count: int) -> np.ndarray:
            new = compute(matrix.articles.count - count)
            return new if kept is None else np.concatenate([kept[len(kept) - count :], new])

        lineage = matrix.articles.lineage  # a push's period does not take /digest's place
        return self._probabilities.carried((key, lineage), matrix.articles, carried)

    def matches(self, key: Hashable, matrix: PassageMatrix) -> list[TopicMatch] | None:
        """A copy of the matches kept for a query (`key`) in this very matrix, if any."""
        kept = self._matches.get((key, matrix.articles.lineage))
        return list(kept[1]) if kept and kept[0] == matrix.articles else None

    def keep_matches(self, key: Hashable, matrix: PassageMatrix, found: list[TopicMatch]) -> None:
        """Keep a copy of a query's matches in `matrix`."""
        self._matches.keep((key, matrix.articles.lineage), matrix.articles, list(found))


class _RangeMemory(Generic[V]):
    """Per key, one value worked out for a range of articles, the `size` keys last asked
    kept."""

    def __init__(self, size: int) -> None:
        self._entries: OrderedDict[Hashable, tuple[ArticleRange, V]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> tuple[ArticleRange, V] | None:
        """The range and value kept for `key`, if any."""
        with self._lock:
            if key not in self._entries:
                return None
            self._entries.move_to_end(key)
            return self._entries[key]

    def keep(self, key: Hashable, articles: ArticleRange, value: V) -> None:
        """Keep `value`, worked out for `articles`, as the key's; the least recently asked key
        is dropped past the bound."""
        with self._lock:
            self._entries[key] = (articles, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def carried(
        self, key: Hashable, articles: ArticleRange, carry: Callable[[V | None, int], V]
    ) -> V:
        """The key's value for `articles`, kept: the one kept when it is for the same range,
        else `carry(kept value, count)` when `articles` begins with the last `count` articles
        of the range it is for, else `carry(None, 0)`."""
        entry = self.get(key)
        if entry is not None and entry[0] == articles:
            return entry[1]
        if entry is not None and (count := entry[0].kept_in(articles)) is not None:
            value = carry(entry[1], count)
        else:
            value = carry(None, 0)
        self.keep(key, articles, value)
        return value
