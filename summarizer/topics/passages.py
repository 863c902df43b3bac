"""Candidates and their passages: the articles offered to the matcher, with their passage
vectors stacked into one matrix, so a topic query meets all of them in a few matrix products.

A period's matrix is carried from one call to the next: when the period moves on (its oldest
articles drop out, new ones arrive at the end) the next matrix keeps the rows it shares with
the last one where they are and appends only the new articles' rows and unit means to a buffer
with room to spare (`_Rows`). One new article among 100,000 used to cost a copy and a sum of
all their rows (3 s); now it costs its own.
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
    rows are only ever written after the last written one, so what a span shows never changes."""

    def __init__(self, rows: np.ndarray) -> None:
        self._data = np.empty((len(rows) + int(SPARE_ROWS * len(rows)), rows.shape[1]), np.float32)
        self._data[: len(rows)] = rows
        self._end = len(rows)
        self._lock = threading.Lock()

    @classmethod
    def span_of(cls, rows: np.ndarray) -> _Span:
        """`rows` in a new buffer."""
        return _Span(cls(rows), 0, len(rows))

    def view(self, start: int, stop: int) -> np.ndarray:
        return self._data[start:stop]

    def append(self, start: int, stop: int, rows: np.ndarray) -> _Span:
        """Rows [start, stop) followed by `rows`: written in place when nothing follows `stop`
        yet and they fit, else all copied into a new buffer."""
        with self._lock:
            if not len(rows):
                return _Span(self, start, stop)
            if stop == self._end and stop + len(rows) <= len(self._data):
                self._data[stop : stop + len(rows)] = rows
                self._end = stop + len(rows)
                return _Span(self, start, self._end)
        return _Rows.span_of(np.concatenate([self._data[start:stop], rows]))


@dataclass(frozen=True)
class _Span:
    """Rows [start, stop) of a `_Rows` buffer."""

    buffer: _Rows
    start: int
    stop: int

    @property
    def rows(self) -> np.ndarray:
        return self.buffer.view(self.start, self.stop)

    def carried(self, dropped: int, rows: np.ndarray) -> _Span:
        """These rows but the first `dropped`, then `rows`."""
        return self.buffer.append(self.start + dropped, self.stop, rows)


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

    @classmethod
    def of(cls, articles: list[TopicCandidate], previous: PassageMatrix | None) -> PassageMatrix:
        """The matrix of `articles`; the rows of `previous` they begin with (the period moved
        on: its oldest articles dropped, new ones added at the end) are kept, so only the new
        articles' rows are stacked and summed."""
        first_row, kept = previous.rows_carried_into(articles) if previous else (0, 0)
        added = articles[kept:]
        sizes = [len(c.passage_vectors) for c in added]
        starts = np.r_[0, np.cumsum(sizes, dtype=np.int64)][:-1]
        if added:
            vectors = np.concatenate([c.passage_vectors for c in added]).astype(np.float32)
            sums = np.add.reduceat(vectors, starts, axis=0)
            norms = np.linalg.norm(sums, axis=1, keepdims=True)
            means = (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32)
        else:
            vectors = means = np.zeros((0, previous.vectors.shape[1]), dtype=np.float32)
        if kept:
            dropped = len(previous.sources) - kept
            carried_rows = len(previous.vectors) - first_row
            starts = np.r_[previous.starts[dropped:] - first_row, starts + carried_rows]
            row_span, mean_span = previous.spans
            spans = (row_span.carried(first_row, vectors), mean_span.carried(dropped, means))
        else:
            spans = (_Rows.span_of(vectors), _Rows.span_of(means))
        return cls(
            sources=tuple(c.passage_vectors for c in articles),
            ids=np.fromiter((c.id for c in articles), dtype=np.int64, count=len(articles)),
            vectors=spans[0].rows,
            starts=starts.astype(np.int64, copy=False),
            article_vectors=spans[1].rows,
            spans=spans,
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


def article_passages(title: str, text: str) -> list[str]:
    """The passages an article is embedded as: its title (if any), then its text's passages."""
    return title_passage(title) + make_passages(split_sentences(text))
