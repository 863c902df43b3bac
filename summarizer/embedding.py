"""One encoder pass per article, shared by its extractive summary and its topic vectors.

An article is embedded as its title and its pieces: its sentences, with a sentence longer than a
passage cut into word windows (`summarizer.text.passage_pieces`); the encoder reads the first
`WINDOW_TOKENS` word pieces of each (`summarizer.encoder`). All pieces of all the articles at
hand go to the encoder in one batched call.
From those vectors:

- a sentence's vector is its piece's (a cut sentence: the unit mean of its windows); the
  extractive summarizer scores these;
- a passage's vector, what topic matching compares, is the unit-length mean of its pieces'
  vectors, each weighted by the square of its word count (`PIECE_WEIGHT_POWER`); the title is a
  passage of its own, with its own vector.

Limits: the mean of a passage's sentence vectors is not the vector the encoder gives the joined
passage (it sees no context across sentences); docs/benchmarks.md gives what that does to topic
matching.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from summarizer.encoder import SentenceEncoder
from summarizer.text import passage_pieces, sentence_pieces, split_sentences, title_passage

# A passage encoded whole is carried by its long sentences more than its short ones. Weighting
# each piece by words ** 2 comes closest to that in topic matching: macro-F1 with power 0 / 1 / 2
# / 3 on tests/fixtures/topics 0.905 / 0.909 / 0.915 / 0.911, on news-topics 0.826 / 0.832 /
# 0.838 / 0.833 (passages encoded whole, a second encoder pass: 0.931 and 0.843).
PIECE_WEIGHT_POWER = 2


@dataclass(frozen=True)
class EmbeddedArticle:
    """An article's sentences and passages with their unit-length vectors, one row each."""

    title: str
    text: str
    sentences: list[str]
    sentence_vectors: np.ndarray
    passage_vectors: np.ndarray  # the title's first (when there is one), as `article_passages`


def embed_articles(encoder: SentenceEncoder, docs: list[tuple[str, str]]) -> list[EmbeddedArticle]:
    """Embed many (title, text) pairs with one encoder call over all their titles and pieces."""
    layouts = [_Layout.of(title, text) for title, text in docs]
    texts = [piece for layout in layouts for piece in layout.title + layout.pieces]
    vectors = encoder.encode(texts)
    embedded = []
    start = 0
    for (title, text), layout in zip(docs, layouts, strict=True):
        end = start + len(layout.title) + len(layout.pieces)
        own = vectors[start:end]
        title_rows, piece_rows = own[: len(layout.title)], own[len(layout.title) :]
        weights = np.array([len(p.split()) for p in layout.pieces], dtype=np.float32)
        weighted = piece_rows * (weights**PIECE_WEIGHT_POWER)[:, None]
        passages = np.vstack([title_rows, _unit_means(weighted, layout.pieces_per_passage)])
        embedded.append(
            EmbeddedArticle(
                title=title,
                text=text,
                sentences=layout.sentences,
                sentence_vectors=_unit_means(piece_rows, layout.pieces_per_sentence),
                passage_vectors=passages.astype(np.float32, copy=False),
            )
        )
        start = end
    return embedded


@dataclass(frozen=True)
class _Layout:
    """What of one article is encoded, and how its pieces group into sentences and passages."""

    title: list[str]
    sentences: list[str]
    pieces: list[str]
    pieces_per_sentence: list[int]
    pieces_per_passage: list[int]

    @classmethod
    def of(cls, title: str, text: str) -> _Layout:
        sentences = split_sentences(text)
        per_sentence = [sentence_pieces(sentence) for sentence in sentences]
        return cls(
            title=title_passage(title),
            sentences=sentences,
            pieces=[piece for pieces in per_sentence for piece in pieces],
            pieces_per_sentence=[len(pieces) for pieces in per_sentence],
            pieces_per_passage=[len(pieces) for pieces in passage_pieces(sentences)],
        )


def _unit_means(rows: np.ndarray, counts: list[int]) -> np.ndarray:
    """The unit-length mean of each run of `counts` consecutive rows."""
    if not counts:
        return np.zeros((0, rows.shape[1]), dtype=np.float32)
    starts = np.r_[0, np.cumsum(counts)[:-1]]
    sums = np.add.reduceat(rows, starts, axis=0)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32, copy=False)
