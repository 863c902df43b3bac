"""The evidence the aboutness models read of each candidate about one topic: how it names the
topic (`summarizer.topics.aboutness.lexical_evidence`), how close its passages and the whole
article come to the topic's query vector, and, for a topic of the news categories' kind, how
the topic fares against those categories for this article (`category_evidence`)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from summarizer.topics.aboutness import (
    CATEGORY_FEATURES,
    ENTITY_FEATURES,
    LEXICAL,
    AboutnessModel,
    lexical_evidence,
    read_article,
)
from summarizer.topics.names import TopicNames
from summarizer.topics.passages import PassageMatrix, TopicCandidate

# Given a topic's names as stems (`TopicNames.search_terms`), the ids of the articles naming any
# of them (a full-text index: `Store.articles.naming`; read by `TopicMatcher`).
ArticlesNaming = Callable[[list[list[str]]], set[int]]
# Topics whose naming evidence is kept per article: the next page, an OR query's parts, the
# pushes of one tick and a topic asked again reread none of it. At 100,000 articles a broad
# topic is named in about 20,000, a few MB each.
NAMING_CACHE_TOPICS = 16
# A topic's names and whether they are counted as a common noun (a news category).
NamingKey = tuple[TopicNames, bool]


@dataclass(frozen=True)
class Evidence:
    """Per candidate: the features of the aboutness models, and which one judges it: the
    category model for a category-kind topic (every article: a category word written as part
    of a name, "BBC Sport", "the World Cup", is no mention of it); else the entity model when
    the article names the topic, the unnamed one (meaning only) when it
    writes at least one of the topic's words or the topic is a concept of the news categories'
    vocabulary ("takeovers": `writes_a_word`); none (P 0) when it writes none of them: "tony
    blair" is not about an article that names neither Tony nor Blair. A sport is judged as its
    section, sport, and is about only the articles it is the nearest sport of: P 0 where
    another sport is nearer (`outranked`)."""

    has_vectors: np.ndarray
    entity: np.ndarray
    category: np.ndarray
    as_category: np.ndarray
    writes_a_word: np.ndarray
    outranked: np.ndarray

    @classmethod
    def none(cls, count: int) -> Evidence:
        """The evidence of `count` articles before any is read: all 0, none with vectors."""
        return cls(
            has_vectors=np.zeros(count, dtype=bool),
            entity=np.zeros((count, len(ENTITY_FEATURES)), dtype=np.float32),
            category=np.zeros((count, len(CATEGORY_FEATURES)), dtype=np.float32),
            as_category=np.zeros(count, dtype=bool),
            writes_a_word=np.zeros(count, dtype=bool),
            outranked=np.zeros(count, dtype=bool),
        )

    @property
    def named(self) -> np.ndarray:
        """Per candidate: does the article name the topic (any naming feature set)?"""
        return self.entity[:, : len(LEXICAL)].any(axis=1)

    @property
    def meaning(self) -> np.ndarray:
        """Per candidate: the meaning features (`MEANING`), all the unnamed model reads."""
        return self.entity[:, len(LEXICAL) :]

    def probability(self, model: AboutnessModel) -> np.ndarray:
        """P(about) per candidate under `model` (0 without vectors)."""
        probability = np.where(
            self.as_category,
            np.where(self.outranked, 0.0, model.category.probability(self.category)),
            np.where(
                self.named,
                model.entity.probability(self.entity),
                np.where(self.writes_a_word, model.unnamed.probability(self.meaning), 0.0),
            ),
        )
        return np.where(self.has_vectors, probability, 0.0).astype(np.float32)


def naming_evidence(
    names: TopicNames,
    articles: list[TopicCandidate],
    *,
    common_noun: bool,
    memory: NamingMemory | None = None,
) -> np.ndarray:
    """The naming features (`LEXICAL`) of `articles`, with `common_noun` (a topic of the
    categories' kind) counting only mentions that are no part of a name
    (`summarizer.topics.names.count_mentions`); only the articles `memory` has not seen are
    read. (`TopicMatcher` hands over only the articles a full-text index finds naming the
    topic, when it has one.)"""
    key = (names, common_noun)
    known = memory.of(key) if memory is not None else {}
    lexical = np.zeros((len(articles), len(LEXICAL)), dtype=np.float32)
    for row, article in enumerate(articles):
        named = known.get(article.id)
        if named is None or not named.is_of(article):
            read = read_article(article.title, article.text)
            features = lexical_evidence(names, read, common_noun=common_noun)
            named = _Named(article.title, article.text, features)
        known[article.id] = named
        lexical[row] = named.features
    if memory is not None:
        memory.keep(key, known, articles)
    return lexical


@dataclass(frozen=True)
class _Named:
    """One article's naming evidence about a topic, with the title and text it was read from."""

    title: str
    text: str
    features: np.ndarray

    def is_of(self, article: TopicCandidate) -> bool:
        """Was it read from this article's title and text (an id reused for another article
        is read afresh)? The same strings compare by identity first."""
        return self.title == article.title and self.text == article.text


class NamingMemory:
    """The naming evidence of the last `NAMING_CACHE_TOPICS` topics asked, per article id.

    Exact: an article's evidence depends only on the topic's names, how they are counted (as a
    common noun or not: `NamingKey`) and the article's title and text, which an entry is
    checked against. Entries of articles that left the period are
    dropped once they outnumber the period's."""

    def __init__(self, topics: int = NAMING_CACHE_TOPICS) -> None:
        self._topics: OrderedDict[NamingKey, dict[int, _Named]] = OrderedDict()
        self._size = topics
        self._lock = threading.Lock()

    def of(self, key: NamingKey) -> dict[int, _Named]:
        """A copy of the entries kept for the topic `key` (empty for a new topic)."""
        with self._lock:
            if key in self._topics:
                self._topics.move_to_end(key)
                return dict(self._topics[key])
            return {}

    def keep(self, key: NamingKey, known: dict[int, _Named], period: list[TopicCandidate]) -> None:
        """Keep `known` as the topic's entries, the least recently asked topic dropped past
        the bound, and the entries of articles not in `period` when they are the most."""
        if len(known) > 2 * len(period):
            ids = {article.id for article in period}
            known = {i: named for i, named in known.items() if i in ids}
        with self._lock:
            self._topics[key] = known
            self._topics.move_to_end(key)
            while len(self._topics) > self._size:
                self._topics.popitem(last=False)


@dataclass(frozen=True)
class CategoryPhrases:
    """The competing categories, each as several vectors: its query and its description's
    phrases (`summarizer.defaults.CATEGORY_DESCRIPTIONS`), so "sport" is also "football match,
    league and championship"; a text's cosine to a category is its best over them
    (`cosines`). The first `sections` categories are the news sections, which compete with a
    section topic; any after them are subcategories of one section (the sports:
    `summarizer.defaults.SPORTS`), which compete only among themselves
    (`summarizer.topics.kinds.TopicKinds.outranked`)."""

    vectors: np.ndarray  # (phrases, dim): each category's rows together, its query first
    starts: np.ndarray  # per category: its first row
    described: np.ndarray  # (categories, dim): the unit mean of its query and its phrases' mean
    sections: int  # the categories that are sections, first; the subcategories after them

    @classmethod
    def of(
        cls, queries: np.ndarray, descriptions: list[np.ndarray], sections: int | None = None
    ) -> CategoryPhrases:
        """From each category's query vector and its description phrases' vectors; the first
        `sections` are the sections (all when None)."""
        pairs = list(zip(queries, descriptions, strict=True))
        rows = [np.vstack([q[None, :], d]) for q, d in pairs]
        sizes = [len(r) for r in rows]
        described = [q + d.mean(axis=0) if len(d) else q for q, d in pairs]
        norms = np.linalg.norm(described, axis=1, keepdims=True)
        return cls(
            vectors=np.concatenate(rows).astype(np.float32),
            starts=np.r_[0, np.cumsum(sizes)[:-1]].astype(np.int64),
            described=(np.array(described) / np.where(norms > 0, norms, 1.0)).astype(np.float32),
            sections=len(pairs) if sections is None else sections,
        )

    def cosines(self, vectors: np.ndarray) -> np.ndarray:
        """(rows of `vectors`, categories): each row's best cosine over each category's."""
        return np.maximum.reduceat(vectors @ self.vectors.T, self.starts, axis=1)

    def topic_reading(
        self, query: np.ndarray, synonym_cosine: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """A section topic's query vector read with its own sections' phrases (those within
        `synonym_cosine` of it: "sport" for "sport", "science and technology" for "technology"),
        and which categories compete with it (the other sections)."""
        sections = np.arange(len(self.starts)) < self.sections
        own = (self.cosines(query[None, :])[0] >= synonym_cosine) & sections
        return self._read(query, own), sections & ~own

    def _read(self, query: np.ndarray, own: np.ndarray) -> np.ndarray:
        """`query` moved to the mean of the `own` categories' described vectors, unit length."""
        if not own.any():
            return query
        reading = query + self.described[own].mean(axis=0)
        return (reading / np.linalg.norm(reading)).astype(np.float32)


@dataclass(frozen=True)
class CategoryCosines:
    """The cosines of a passage matrix's articles and passages to the competing categories."""

    by_article: np.ndarray  # (articles, categories)
    by_passage: np.ndarray  # (passages, categories)

    @classmethod
    def of(cls, categories: CategoryPhrases, matrix: PassageMatrix) -> CategoryCosines:
        """An article's cosine to a category is its best over the category's phrases; a
        passage's, to the category's `described` vector (as good held out, at a sixth of the
        cost: passages outnumber articles)."""
        by_passage = matrix.vectors @ categories.described.T
        return cls(categories.cosines(matrix.article_vectors), by_passage)


def meaning_evidence(matrix: PassageMatrix, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per article of `matrix`: its best passage's cosine to the topic's `query` vector, and
    its whole (mean) vector's."""
    best = np.maximum.reduceat(matrix.vectors @ query, matrix.starts)
    return best, matrix.article_vectors @ query


def category_evidence(
    query: np.ndarray,
    categories: CategoryCosines,
    competing: np.ndarray,
    matrix: PassageMatrix,
    lexical: np.ndarray,
) -> np.ndarray:
    """Per article, the `CATEGORY_FEATURES`: the topic (its `query` vector, as read by
    `CategoryPhrases.topic_reading`) against the `competing` categories, and from `lexical`
    whether it is in the title and how often it is written."""
    best, whole = meaning_evidence(matrix, query)
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
