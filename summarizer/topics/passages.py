"""Candidates and their passages: the articles offered to the matcher, with their passage
vectors stacked into one matrix, so a topic query meets all of them in a few matrix products."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from summarizer.text import make_passages, split_sentences, title_passage


@dataclass(frozen=True)
class TopicCandidate:
    """A stored article offered to the matcher, with its vectors from `passage_vectors`."""

    id: int
    title: str
    text: str
    passage_vectors: np.ndarray


@dataclass(frozen=True)
class PassageMatrix:
    """The candidates' passage vectors stacked, and each article's unit mean vector."""

    sources: tuple[np.ndarray, ...]  # the candidates' own arrays, held so none is reused
    ids: np.ndarray  # per article: the candidate's id
    vectors: np.ndarray
    owner: np.ndarray  # per row: the index of its article
    starts: np.ndarray  # per article: its first row
    article_vectors: np.ndarray

    @classmethod
    def of(cls, articles: list[TopicCandidate], previous: PassageMatrix | None) -> PassageMatrix:
        """The matrix of `articles`; the rows of `previous` they begin with (the period moved
        on: its oldest articles dropped, new ones added at the end) are copied as one block,
        so only the new articles' arrays are stacked one by one."""
        first_row, kept = previous.rows_carried_into(articles) if previous else (0, 0)
        pieces = [c.passage_vectors for c in articles[kept:]]
        if kept:
            pieces.insert(0, previous.vectors[first_row:])
        vectors = np.concatenate(pieces).astype(np.float32, copy=False)
        sizes = [len(c.passage_vectors) for c in articles]
        starts = np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64)
        sums = np.add.reduceat(vectors, starts, axis=0)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        return cls(
            sources=tuple(c.passage_vectors for c in articles),
            ids=np.fromiter((c.id for c in articles), dtype=np.int64, count=len(articles)),
            vectors=vectors,
            owner=np.repeat(np.arange(len(articles)), sizes),
            starts=starts,
            article_vectors=(sums / np.where(norms > 0, norms, 1.0)).astype(np.float32),
        )

    def rows_carried_into(self, articles: list[TopicCandidate]) -> tuple[int, int]:
        """(first row, count) when `articles` begin with the last `count` articles of this
        matrix (the very same arrays), whose rows start at `first row`; else (0, 0)."""
        head = articles[0].passage_vectors
        start = next((i for i, old in enumerate(self.sources) if old is head), None)
        if start is None or len(self.sources) - start > len(articles):
            return 0, 0
        tail = self.sources[start:]
        if any(old is not c.passage_vectors for old, c in zip(tail, articles, strict=False)):
            return 0, 0
        return int(self.starts[start]), len(tail)

    def passage_counts(self) -> np.ndarray:
        """Per article, how many passages (rows) it has."""
        return np.diff(np.r_[self.starts, len(self.vectors)])


def article_passages(title: str, text: str) -> list[str]:
    """The passages an article is embedded as: its title (if any), then its text's passages."""
    return title_passage(title) + make_passages(split_sentences(text))
