"""Candidates and their passages: the articles offered to the matcher, with their passage
vectors stacked into one matrix, so a topic query meets all of them in a few matrix products.

A period's matrix is carried from one call to the next: when the period moves on (its oldest
articles drop out, new ones arrive at the end) the next matrix keeps the rows it shares with
the last one where they are and appends only the new articles' rows and unit means to a buffer
with room to spare (`_Rows`). One new article among 100,000 used to cost a copy and a sum of
all their rows (3 s); now it costs its own.

The matrices carried one from another number their articles in turn (`Lineage`), so what is
worked out per article of one matrix (the matcher's probabilities per topic, the categories'
cosines) is carried to the next the same way, only its new articles worked out
(`ArticleRange`).
"""

from __future__ import annotations

import operator
import threading
from dataclasses import dataclass, field

import numpy as np

from summarizer.text import make_passages, split_sentences, title_passage

SPARE_ROWS = 0.25  # room a new buffer leaves, as a share of its rows, for articles to come


@dataclass(frozen=True)
class TopicCandidate:
    """A stored article offered to the matcher, with its vectors from `passage_vectors`."""

    id: int
    title: str
    text: str
    passage_vectors: np.ndarray


class _Rows:
    """A float32 buffer of rows with room at its end. A matrix views a span of it (`_Span`);
    rows are only ever written after the last written one, so what a span shows never changes.
    Rows are written straight from the articles' arrays, never stacked apart first."""

    def __init__(self, capacity: int, dim: int) -> None:
        self._data = np.empty((capacity, dim), dtype=np.float32)
        self._end = 0
        self._lock = threading.Lock()

    @classmethod
    def span_of(cls, pieces: list[np.ndarray]) -> _Span:
        """The rows of `pieces` (arrays of rows, at least one), one after another, in a new
        buffer with room to spare."""
        count = sum(len(piece) for piece in pieces)
        buffer = cls(count + int(SPARE_ROWS * count), pieces[0].shape[1])
        return buffer.append(0, 0, pieces)

    def view(self, start: int, stop: int) -> np.ndarray:
        return self._data[start:stop]

    def append(self, start: int, stop: int, pieces: list[np.ndarray]) -> _Span:
        """Rows [start, stop) followed by the rows of `pieces`: written in place when nothing
        follows `stop` yet and they fit, else all copied into a new buffer."""
        count = sum(len(piece) for piece in pieces)
        with self._lock:
            if not count:
                return _Span(self, start, stop)
            if stop == self._end and stop + count <= len(self._data):
                np.concatenate(pieces, out=self._data[stop : stop + count])
                self._end = stop + count
                return _Span(self, start, self._end)
        return _Rows.span_of([self._data[start:stop], *pieces])


@dataclass(frozen=True)
class _Span:
    """Rows [start, stop) of a `_Rows` buffer."""

    buffer: _Rows
    start: int
    stop: int

    @property
    def rows(self) -> np.ndarray:
        return self.buffer.view(self.start, self.stop)

    def carried(self, dropped: int, pieces: list[np.ndarray]) -> _Span:
        """These rows but the first `dropped`, then the rows of `pieces`."""
        return self.buffer.append(self.start + dropped, self.stop, pieces)


class Lineage:
    """Numbers the articles of matrices carried one from another, in order: an article keeps
    its number in every matrix carried from the one it joined. Only the newest matrix's
    successor may add articles (numbered on); another successor starts a lineage of its own."""

    def __init__(self) -> None:
        self._end = 0  # the number the next article added gets
        self._lock = threading.Lock()

    def numbered(self, end: int, count: int) -> bool:
        """Number `count` articles added after the article numbered `end` - 1; False when
        articles were numbered after it already (by another successor)."""
        with self._lock:
            if end != self._end:
                return False
            self._end += count
            return True


@dataclass(frozen=True)
class ArticleRange:
    """Articles `first` to `first + count - 1` of a `Lineage`."""

    lineage: Lineage
    first: int
    count: int

    @classmethod
    def anew(cls, count: int) -> ArticleRange:
        """`count` articles beginning a new lineage."""
        lineage = Lineage()
        lineage.numbered(0, count)
        return cls(lineage, 0, count)

    @property
    def end(self) -> int:
        return self.first + self.count

    def carried(self, kept: int, added: int) -> ArticleRange:
        """The range of a matrix of the last `kept` of these articles and `added` new ones:
        in this lineage when it may number them on, else a new one."""
        if added and not self.lineage.numbered(self.end, added):
            return ArticleRange.anew(kept + added)
        return ArticleRange(self.lineage, self.end - kept, kept + added)

    def kept_in(self, later: ArticleRange) -> int | None:
        """How many of these articles (the last ones) `later` begins with, when it continues
        them: of the same lineage, beginning among them or right after, ending no earlier."""
        if later.lineage is not self.lineage or not self.first <= later.first <= self.end:
            return None
        return self.end - later.first if later.end >= self.end else None

    def offset_in(self, whole: ArticleRange) -> int | None:
        """Where these articles begin in `whole`, when it holds them all; else None."""
        inside = whole.first <= self.first and self.end <= whole.end
        return self.first - whole.first if self.lineage is whole.lineage and inside else None


@dataclass(frozen=True)
class PassageMatrix:
    """The candidates' passage vectors stacked, and each article's unit mean vector."""

    sources: tuple[np.ndarray, ...]  # the candidates' own arrays, held so none is reused
    ids: np.ndarray  # per article: the candidate's id
    vectors: np.ndarray
    starts: np.ndarray  # per article: its first row
    article_vectors: np.ndarray
    # where `vectors` and `article_vectors` are kept, so the next matrix can append to them
    spans: tuple[_Span, _Span] = field(repr=False, compare=False)
    articles: ArticleRange = field(repr=False, compare=False)  # which of its lineage's

    @classmethod
    def of(cls, articles: list[TopicCandidate], previous: PassageMatrix | None) -> PassageMatrix:
        """The matrix of `articles`; the rows of `previous` they begin with (the period moved
        on: its oldest articles dropped, new ones added at the end) are kept, so only the new
        articles' rows are stacked and summed."""
        first_row, kept = previous.rows_carried_into(articles) if previous else (0, 0)
        pieces = [c.passage_vectors for c in articles[kept:]]
        sizes = [len(piece) for piece in pieces]
        new_starts = np.r_[0, np.cumsum(sizes, dtype=np.int64)][:-1]  # among the new rows
        if kept:
            dropped = len(previous.sources) - kept
            row_span = previous.spans[0].carried(first_row, pieces)
            kept_starts = previous.starts[dropped:] - first_row
            numbered = previous.articles.carried(kept, len(pieces))
        else:
            dropped, row_span, kept_starts = 0, _Rows.span_of(pieces), np.zeros(0, np.int64)
            numbered = ArticleRange.anew(len(pieces))
        vectors = row_span.rows
        kept_rows = len(vectors) - sum(sizes)
        means = _unit_means(vectors[kept_rows:], new_starts)
        mean_span = previous.spans[1].carried(dropped, [means]) if kept else _Rows.span_of([means])
        starts = np.r_[kept_starts, new_starts + kept_rows]
        return cls(
            sources=tuple(c.passage_vectors for c in articles),
            ids=np.fromiter((c.id for c in articles), dtype=np.int64, count=len(articles)),
            vectors=vectors,
            starts=starts.astype(np.int64, copy=False),
            article_vectors=mean_span.rows,
            spans=(row_span, mean_span),
            articles=numbered,
        )

    def passage_row(self, article: int) -> int:
        """The first passage row of its `article`-th article (the row count past the last)."""
        return int(self.starts[article]) if article < len(self.sources) else len(self.vectors)

    def tail(self, count: int) -> PassageMatrix:
        """The matrix of its last `count` articles (views of its arrays)."""
        first = len(self.sources) - count
        row = self.passage_row(first)
        rows, means = self.spans
        return PassageMatrix(
            sources=self.sources[first:],
            ids=self.ids[first:],
            vectors=self.vectors[row:],
            starts=self.starts[first:] - row,
            article_vectors=self.article_vectors[first:],
            spans=(
                _Span(rows.buffer, rows.start + row, rows.stop),
                _Span(means.buffer, means.start + first, means.stop),
            ),
            articles=ArticleRange(self.articles.lineage, self.articles.first + first, count),
        )

    def rows_carried_into(self, articles: list[TopicCandidate]) -> tuple[int, int]:
        """(first row, count) when `articles` begin with the last `count` articles of this
        matrix (the very same arrays), whose rows start at `first row`; else (0, 0). The
        arrays are compared by identity in C loops (100,000 of them in a few ms)."""
        held = list(map(id, self.sources))  # ids of live arrays: the matrix holds them
        try:
            start = held.index(id(articles[0].passage_vectors))
        except ValueError:
            return 0, 0
        if len(self.sources) - start > len(articles):
            return 0, 0
        tail = self.sources[start:]
        arrays = map(operator.attrgetter("passage_vectors"), articles)
        if not all(map(operator.is_, tail, arrays)):
            return 0, 0
        return int(self.starts[start]), len(tail)

    def passage_counts(self) -> np.ndarray:
        """Per article, how many passages (rows) it has."""
        return np.diff(np.r_[self.starts, len(self.vectors)])


def _unit_means(rows: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per article (its rows begin at `starts`), the unit vector along the sum of its rows."""
    if not len(starts):
        return np.zeros((0, rows.shape[1]), dtype=np.float32)
    sums = np.add.reduceat(rows, starts, axis=0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32)


def article_passages(title: str, text: str) -> list[str]:
    """The passages an article is embedded as: its title (if any), then its text's passages."""
    return title_passage(title) + make_passages(split_sentences(text))
