"""The evidence the aboutness models read of each candidate about one topic: how it names the
topic (`summarizer.topics.aboutness.lexical_evidence`), how close its passages and the whole
article come to the topic's query vector, and, for a topic of the news categories' kind, how
the topic fares against those categories for this article (`category_evidence`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from summarizer.topics.aboutness import (
    CATEGORY_FEATURES,
    LEXICAL,
    AboutnessModel,
    lexical_evidence,
    read_article,
)
from summarizer.topics.names import TopicNames
from summarizer.topics.passages import PassageMatrix, TopicCandidate

# Given one name's stems (`TopicNames.search_terms`), the ids of the articles naming it.
ArticlesNaming = Callable[[list[str]], set[int]]


@dataclass(frozen=True)
class Evidence:
    """Per candidate: the features of the aboutness models, and which one judges it: the
    category model for a category-kind topic, unless the article writes it as a name; else the
    entity model when the article names the topic, the unnamed one (meaning only) when not."""

    has_vectors: np.ndarray
    entity: np.ndarray
    category: np.ndarray
    as_category: np.ndarray

    def probability(self, model: AboutnessModel) -> np.ndarray:
        """P(about) per candidate under `model` (0 without vectors)."""
        named = self.entity[:, : len(LEXICAL)].any(axis=1)
        meaning = self.entity[:, len(LEXICAL) :]
        probability = np.where(
            self.as_category,
            model.category.probability(self.category),
            np.where(
                named, model.entity.probability(self.entity), model.unnamed.probability(meaning)
            ),
        )
        return np.where(self.has_vectors, probability, 0.0).astype(np.float32)


def naming_evidence(
    names: TopicNames, articles: list[TopicCandidate], articles_naming: ArticlesNaming | None
) -> tuple[np.ndarray, np.ndarray]:
    """The naming features (`LEXICAL`) of `articles` and whether each writes the topic as a
    name; only the articles the full-text index finds naming it are read (all without an
    index: `articles_naming` None)."""
    indexed = None
    if articles_naming is not None:
        indexed = set().union(*(articles_naming(terms) for terms in names.search_terms))
    lexical = np.zeros((len(articles), len(LEXICAL)), dtype=np.float32)
    as_name = np.zeros(len(articles), dtype=bool)
    for row, article in enumerate(articles):
        if indexed is None or article.id in indexed:
            read = read_article(article.title, article.text)
            lexical[row], as_name[row] = lexical_evidence(names, read)
    return lexical, as_name


@dataclass(frozen=True)
class CategoryCosines:
    """The competing categories' query vectors (one row each), and the cosines of a passage
    matrix's articles and passages to them."""

    queries: np.ndarray
    by_article: np.ndarray  # (articles, categories)
    by_passage: np.ndarray  # (passages, categories)

    @classmethod
    def of(cls, queries: np.ndarray, matrix: PassageMatrix) -> CategoryCosines:
        return cls(queries, matrix.article_vectors @ queries.T, matrix.vectors @ queries.T)


def meaning_evidence(matrix: PassageMatrix, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per article of `matrix`: its best passage's cosine to the topic's `query` vector, and
    its whole (mean) vector's."""
    best = np.maximum.reduceat(matrix.vectors @ query, matrix.starts)
    return best, matrix.article_vectors @ query


def category_evidence(
    query: np.ndarray,
    categories: CategoryCosines,
    matrix: PassageMatrix,
    meaning: tuple[np.ndarray, np.ndarray],
    lexical: np.ndarray,
    *,
    synonym_cosine: float,
) -> np.ndarray:
    """Per article, the `CATEGORY_FEATURES`: the topic (its `query` vector, its `meaning`
    evidence) against the categories that are not its synonyms (at least `synonym_cosine` close
    to it), and from `lexical` whether it is in the title and how often it is written."""
    best, whole = meaning
    competing = categories.queries @ query < synonym_cosine
    evidence = np.zeros((len(whole), len(CATEGORY_FEATURES)), dtype=np.float32)
    if competing.any():
        rivals = categories.by_article[:, competing]
        rank = (rivals > whole[:, None]).sum(axis=1)
        wins = matrix.vectors @ query > categories.by_passage[:, competing].max(axis=1)
        wins_per_article = np.add.reduceat(wins.astype(np.float32), matrix.starts)
        column = {
            "category_rank": 1.0 / (1.0 + rank),
            "in_first_three": (rank < 3).astype(np.float32),
            "category_margin": whole - rivals.max(axis=1),
            "passage_win_share": wins_per_article / matrix.passage_counts(),
            "best_passage_cosine": best,
            "article_cosine": whole,
        }
        for index, feature in enumerate(CATEGORY_FEATURES):
            if feature in column:
                evidence[:, index] = column[feature]
    for feature in ("named_in_title", "log_mentions"):
        evidence[:, CATEGORY_FEATURES.index(feature)] = lexical[:, LEXICAL.index(feature)]
    return evidence
