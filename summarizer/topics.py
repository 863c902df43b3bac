"""Topic matching: which stored articles a reader who asked for a topic wants.

Each article is judged on its own (`summarizer.aboutness`): the probability that it is about the
topic comes from its evidence alone — where and how often it names the topic (with the topic's
other names: Russian, Moscow, Kremlin for "russia"; `summarizer.topic_names`), how close its
passages and the whole article come to the embedded topic query, and, for a topic of the news
categories' kind, how the topic fares against those categories for this article. An article
matches when that probability is at least 0.5 ("more likely wanted than not"), and ranks by
it. Nothing else in the store changes the verdict: the same article gets the same answer in a
store of 1 or 100,000.

Category words ("sport", "crime", "business") are named by few articles and sit far from them
for a sentence encoder (MiniLM puts "sport" at cosine 0.14–0.39 to match reports), so no fixed
cosine separates them; competition does (zero-shot classification): a match report is nearer
"sport" than any other broad news category (`NEWS_CATEGORIES`, the IPTC Media Topics top level).
It applies to topics of the categories' kind only (`CATEGORY_KIND_COSINE`): a place or a person
fits every article about its region or circle better than a broad category does.

Cost: with a full-text index (`articles_naming`, the store's FTS5 / tsvector) only the articles
naming one of the topic's names are read for the naming evidence; the others have none, and
their meaning evidence is a few matrix-vector products over the stacked passage vectors.

Limits: see `summarizer.aboutness` (what the evidence misses) and README "Topic matching"
(figures per corpus, leave-one-corpus-out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from summarizer.aboutness import (
    CATEGORY_FEATURES,
    ENTITY_FEATURES,
    LEXICAL,
    AboutnessModel,
    default_model,
    lexical_evidence,
    read_article,
)
from summarizer.embedding import embed_articles
from summarizer.encoder import SentenceEncoder
from summarizer.text import make_passages, split_sentences, title_passage
from summarizer.topic_names import TopicNames, topic_names
from summarizer.topic_query import parse_topic_query

QUERY_TEMPLATES = ("{topic}", "news about {topic}")
# The broad categories a topic competes with: the IPTC Media Topics top level (economy, business
# and finance split in three, as users ask for them apart). Config: `topic_categories`.
NEWS_CATEGORIES = (
    "arts and culture",
    "crime and law",
    "disaster and accident",
    "economy",
    "business",
    "finance",
    "education",
    "environment",
    "health",
    "human interest",
    "labour",
    "lifestyle and leisure",
    "politics",
    "religion",
    "science and technology",
    "society",
    "sport",
    "conflict and war",
    "weather",
)
# A topic is of the categories' kind when it is one word, no country's name, and its query comes
# this close to one of theirs: "sport", "crime", "business" (1.0), "technology" (0.80),
# "lifestyle" (0.79), "entertainment" (0.57), not "russia" (0.50), "oil" (0.44), "grain" (0.29).
# A name of several words ("federal reserve" 0.62, "labour party" 0.81) is an entity, and so is
# the topic in an article that writes it as a name ("Labour said", `capitalized_mostly`).
CATEGORY_KIND_COSINE = 0.55
# A category whose query is this close to the topic's is the topic's own kind, not a competitor
# ("economy" for "economic growth"; "labour" for "labour").
CATEGORY_SYNONYM_COSINE = 0.6
QUERY_CACHE_TOPICS = 1_000  # embedded topic queries kept: pages and pushes repeat topics
MODEL_KEY_VERSION = "v2"  # v2: passage vectors are the means of their sentences' vectors

# Given one name's stems (`TopicNames.search_terms`), the ids of the articles naming it.
ArticlesNaming = Callable[[list[str]], set[int]]


@dataclass(frozen=True)
class TopicCandidate:
    """A stored article offered to `match`, with its vectors from `passage_vectors`."""

    id: int
    title: str
    text: str
    passage_vectors: np.ndarray


@dataclass(frozen=True)
class _PassageMatrix:
    """The candidates' passage vectors stacked, and each article's unit mean vector."""

    sources: tuple[np.ndarray, ...]  # the candidates' own arrays, held so none is reused
    vectors: np.ndarray
    owner: np.ndarray  # per row: the index of its article
    starts: np.ndarray  # per article: its first row
    article_vectors: np.ndarray

    @classmethod
    def of(cls, articles: list[TopicCandidate], previous: _PassageMatrix | None) -> _PassageMatrix:
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


@dataclass(frozen=True)
class TopicMatch:
    """An article about the topic; relevance is P(about), at least 0.5."""

    id: int
    relevance: float


class TopicMatcher:
    """Finds the candidates about a topic, judging each on its own evidence."""

    def __init__(
        self,
        encoder: SentenceEncoder,
        *,
        categories: tuple[str, ...] = NEWS_CATEGORIES,
        model: AboutnessModel | None = None,
    ) -> None:
        self.encoder = encoder
        self.categories = tuple(categories)
        self.model = model or default_model()
        self._last_matrix: _PassageMatrix | None = None
        self._category_cosines: tuple[_PassageMatrix, np.ndarray, np.ndarray] | None = None

    def _passage_matrix(self, articles: list[TopicCandidate]) -> _PassageMatrix:
        """The stacked vectors of `articles`; the last one is kept, because the parts of an
        OR / exclusion query, the next page and the pushes of one tick ask about the same
        period. It is reused only for the very same arrays (the store hands out its cached
        ones), in the same order, and its rows are carried into the next one when the period
        moved on (`_PassageMatrix.of`)."""
        last = self._last_matrix
        if last is not None and last.rows_carried_into(articles) == (0, len(articles)):
            return last
        self._last_matrix = _PassageMatrix.of(articles, last)
        return self._last_matrix

    @lru_cache(maxsize=QUERY_CACHE_TOPICS)  # noqa: B019 - one matcher lives as long as the bot
    def _query_vector(self, topic: str) -> np.ndarray:
        """The unit mean of the topic's `QUERY_TEMPLATES` embeddings."""
        return _unit(self.encoder.encode([t.format(topic=topic) for t in QUERY_TEMPLATES]).sum(0))

    def embed_categories(self) -> np.ndarray:
        """The competing categories' query vectors, one row each; embedded on the first call
        (at start-up: `bot.app.digests.warm_up`), not in a first /digest."""
        vectors = [self._query_vector(category) for category in self.categories]
        return np.stack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)

    def is_category(self, topic: str) -> bool:
        """Is `topic` of the news categories' kind (`CATEGORY_KIND_COSINE`)?"""
        names = topic_names(topic)
        if not self.categories or " " in names.topic or len(names.phrases) > 1:
            return False
        return float((self.embed_categories() @ self._query_vector(names.topic)).max()) >= (
            CATEGORY_KIND_COSINE
        )

    def _article_category_cosines(self, matrix: _PassageMatrix) -> tuple[np.ndarray, np.ndarray]:
        """(articles, categories) and (passages, categories) cosines, kept with the last
        passage matrix."""
        cached = self._category_cosines
        if cached is None or cached[0] is not matrix:
            categories = self.embed_categories().T
            cached = (matrix, matrix.article_vectors @ categories, matrix.vectors @ categories)
            self._category_cosines = cached
        return cached[1], cached[2]

    def category_evidence(
        self, topic: str, matrix: _PassageMatrix, best: np.ndarray, whole: np.ndarray
    ) -> np.ndarray:
        """Per article, the `CATEGORY_FEATURES` but the naming ones (left 0): the topic against
        the categories that are not its synonyms (`CATEGORY_SYNONYM_COSINE`)."""
        query = self._query_vector(topic)
        competing = self.embed_categories() @ query < CATEGORY_SYNONYM_COSINE
        evidence = np.zeros((len(whole), len(CATEGORY_FEATURES)), dtype=np.float32)
        if not competing.any():
            return evidence
        by_article, by_passage = self._article_category_cosines(matrix)
        rivals = by_article[:, competing]
        rank = (rivals > whole[:, None]).sum(axis=1)
        passage_cosine = matrix.vectors @ query
        wins = passage_cosine > by_passage[:, competing].max(axis=1)
        sizes = np.diff(np.r_[matrix.starts, len(matrix.vectors)])
        column = {
            "category_rank": 1.0 / (1.0 + rank),
            "in_first_three": (rank < 3).astype(np.float32),
            "category_margin": whole - rivals.max(axis=1),
            "passage_win_share": np.add.reduceat(wins.astype(np.float32), matrix.starts) / sizes,
            "best_passage_cosine": best,
            "article_cosine": whole,
        }
        for index, feature in enumerate(CATEGORY_FEATURES):
            if feature in column:
                evidence[:, index] = column[feature]
        return evidence

    @property
    def model_key(self) -> str:
        """Changes whenever stored passage vectors must be recomputed."""
        encoder = self.encoder
        return f"passages:{encoder.name}:w{encoder.window_tokens}:{MODEL_KEY_VERSION}"

    def passage_vectors(self, title: str, text: str) -> np.ndarray:
        """Vectors of the article's passages (title first, as its own passage), one row each."""
        return self.vectors_many([(title, text)])[0]

    def vectors_many(self, docs: list[tuple[str, str]]) -> list[np.ndarray]:
        """`passage_vectors` for many (title, text) pairs in one batched encoder call; each
        passage's vector derives from its sentences' (`summarizer.embedding`)."""
        return [article.passage_vectors for article in embed_articles(self.encoder, docs)]

    def match_query(
        self,
        topic: str,
        candidates: list[TopicCandidate],
        *,
        articles_naming: ArticlesNaming | None = None,
    ) -> list[TopicMatch]:
        """The candidates a topic query selects (see `summarizer.topic_query`), best first:
        about any of its phrases (relevance: the best of them), about none of its exclusions."""
        query = parse_topic_query(topic)
        relevance: dict[int, float] = {}
        for phrase in query.phrases:
            for found in self.match(phrase, candidates, articles_naming=articles_naming):
                relevance[found.id] = max(found.relevance, relevance.get(found.id, found.relevance))
        for phrase in query.excluded:
            for found in self.match(phrase, candidates, articles_naming=articles_naming):
                relevance.pop(found.id, None)
        matches = [TopicMatch(id_, score) for id_, score in relevance.items()]
        return sorted(matches, key=lambda m: (-m.relevance, m.id))

    def match(
        self,
        topic: str,
        candidates: list[TopicCandidate],
        *,
        articles_naming: ArticlesNaming | None = None,
    ) -> list[TopicMatch]:
        """The candidates about the phrase `topic`, best first; [] when none is.

        `articles_naming(terms)`, when given, is a full-text index's answer to which article
        ids name one of the topic's names (`Store.articles.naming`): only those are read for
        the naming evidence, the others are known to name it nowhere.
        """
        probability = self.probabilities(topic, candidates, articles_naming=articles_naming)
        matches = [
            TopicMatch(candidate.id, round(float(p), 4))
            for candidate, p in zip(candidates, probability, strict=True)
            if p >= self.model.cut
        ]
        return sorted(matches, key=lambda m: (-m.relevance, m.id))

    def probabilities(
        self,
        topic: str,
        candidates: list[TopicCandidate],
        *,
        articles_naming: ArticlesNaming | None = None,
    ) -> np.ndarray:
        """P(about `topic`) of each candidate, in order (0 for one without vectors)."""
        evidence = self.evidence(topic, candidates, articles_naming=articles_naming)
        return evidence.probability(self.model)

    def evidence(
        self,
        topic: str,
        candidates: list[TopicCandidate],
        *,
        articles_naming: ArticlesNaming | None = None,
    ) -> Evidence:
        """What the aboutness models read of each candidate about `topic` (see `match`)."""
        names = topic_names(topic)
        if not names.topic:
            raise ValueError("A topic needs at least one word, e.g. 'russia' or 'north korea'.")
        count = len(candidates)
        evidence = Evidence(
            has_vectors=np.array([len(c.passage_vectors) > 0 for c in candidates], dtype=bool),
            entity=np.zeros((count, len(ENTITY_FEATURES)), dtype=np.float32),
            category=np.zeros((count, len(CATEGORY_FEATURES)), dtype=np.float32),
            as_category=np.zeros(count, dtype=bool),
        )
        kept = np.flatnonzero(evidence.has_vectors)
        if not len(kept):
            return evidence
        articles = [candidates[i] for i in kept]
        matrix = self._passage_matrix(articles)
        query = self._query_vector(names.topic)
        best = np.maximum.reduceat(matrix.vectors @ query, matrix.starts)
        whole = matrix.article_vectors @ query
        lexical, named_as_name = self._lexical(names, articles, articles_naming)
        evidence.entity[kept] = np.column_stack([lexical, best, whole])
        if self.is_category(names.topic):
            category = self.category_evidence(names.topic, matrix, best, whole)
            for feature in ("named_in_title", "log_mentions"):
                category[:, CATEGORY_FEATURES.index(feature)] = lexical[:, LEXICAL.index(feature)]
            evidence.category[kept] = category
            evidence.as_category[kept] = ~named_as_name
        return evidence

    def _lexical(
        self,
        names: TopicNames,
        articles: list[TopicCandidate],
        articles_naming: ArticlesNaming | None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """The naming features of `articles` and whether each writes the topic as a name; only
        the articles the full-text index finds naming it are read (all without an index)."""
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


def article_passages(title: str, text: str) -> list[str]:
    """The passages an article is embedded as: its title (if any), then its text's passages."""
    return title_passage(title) + make_passages(split_sentences(text))


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
