"""The topic matcher: the stages of `summarizer.topics` behind one object the bot holds.

It keeps what repeats between queries: the embedded topic queries and categories, the last
stacked passage matrix with its cosines to the categories (the parts of an OR / exclusion
query, the next page and the pushes of one tick ask about the same period), and the last
topics' naming evidence per article (`NamingMemory`).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from summarizer.defaults import CATEGORY_DESCRIPTIONS, CATEGORY_WORDS
from summarizer.embedding import embed_articles
from summarizer.encoder import SentenceEncoder
from summarizer.topics.aboutness import (
    CATEGORY_FEATURES,
    ENTITY_FEATURES,
    AboutnessModel,
    default_model,
)
from summarizer.topics.decision import TopicMatch, best_first, combine_query
from summarizer.topics.evidence import (
    ArticlesNaming,
    CategoryCosines,
    CategoryPhrases,
    Evidence,
    NamingMemory,
    category_evidence,
    meaning_evidence,
    naming_evidence,
)
from summarizer.topics.names import TopicNames, topic_names, topic_terms, writes_a_word
from summarizer.topics.passages import PassageMatrix, TopicCandidate
from summarizer.topics.query import parse_topic_query
from summarizer.topics.settings import TopicSettings

QUERY_CACHE_TOPICS = 1_000  # embedded topic queries kept: pages and pushes repeat topics
MODEL_KEY_VERSION = "v2"  # v2: passage vectors are the means of their sentences' vectors


class TopicMatcher:
    """Finds the candidates about a topic, judging each on its own evidence."""

    def __init__(
        self,
        encoder: SentenceEncoder,
        *,
        settings: TopicSettings | None = None,
        model: AboutnessModel | None = None,
    ) -> None:
        self.encoder = encoder
        self.settings = settings or TopicSettings()
        self.model = model or default_model()
        self._last_matrix: PassageMatrix | None = None
        self._category_cosines: tuple[PassageMatrix, CategoryCosines] | None = None
        self._naming = NamingMemory()

    @property
    def model_key(self) -> str:
        """Changes whenever stored passage vectors must be recomputed: another encoder, window
        or way of making them. Not with the matcher's settings (`TopicSettings`): none of them
        changes the vectors, so configuring another category re-embeds nothing."""
        encoder = self.encoder
        return f"passages:{encoder.name}:w{encoder.window_tokens}:{MODEL_KEY_VERSION}"

    def passage_vectors(self, title: str, text: str) -> np.ndarray:
        """Vectors of the article's passages (title first, as its own passage), one row each."""
        return self.vectors_many([(title, text)])[0]

    def vectors_many(self, docs: list[tuple[str, str]]) -> list[np.ndarray]:
        """`passage_vectors` for many (title, text) pairs in one batched encoder call; each
        passage's vector derives from its sentences' (`summarizer.embedding`)."""
        return [article.passage_vectors for article in embed_articles(self.encoder, docs)]

    @lru_cache(maxsize=QUERY_CACHE_TOPICS)  # noqa: B019 - one matcher lives as long as the bot
    def query_vector(self, topic: str) -> np.ndarray:
        """The unit mean of the embeddings of the topic's `query_templates`."""
        templates = self.settings.query_templates
        return _unit(self.encoder.encode([t.format(topic=topic) for t in templates]).sum(0))

    def embed_categories(self) -> np.ndarray:
        """The competing categories' query vectors, one row each; embedded on the first call
        (at start-up: `bot.runtime.warm_up`), not in a first /digest."""
        vectors = [self.query_vector(category) for category in self.settings.categories]
        return np.stack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)

    @lru_cache(maxsize=1)  # noqa: B019 - one matcher lives as long as the bot
    def category_phrases(self) -> CategoryPhrases:
        """The competing categories with their descriptions' phrases (`CategoryPhrases`), in
        one encoder call; at start-up too (`bot.runtime.warm_up`). Needs a category."""
        categories = self.settings.categories
        descriptions = [CATEGORY_DESCRIPTIONS.get(c, ()) for c in categories]
        vectors = self.encoder.encode([phrase for phrases in descriptions for phrase in phrases])
        ends = np.cumsum([len(phrases) for phrases in descriptions])
        return CategoryPhrases.of(self.embed_categories(), np.split(vectors, ends[:-1]))

    def is_category(self, topic: str) -> bool:
        """Is `topic` of the news categories' kind: one word of their vocabulary
        (`_of_category_vocabulary`) whose query comes close to one of theirs
        (`TopicSettings.category_kind_cosine`)? "sport", "tech", "world" are; "iaaf",
        "conservatives", "fifa", close to sport or politics but names, are entities."""
        names = topic_names(topic)
        if not self.settings.categories or " " in names.topic or len(names.phrases) > 1:
            return False
        if not self._of_category_vocabulary(names):
            return False
        closest = float((self.embed_categories() @ self.query_vector(names.topic)).max())
        return closest >= self.settings.category_kind_cosine

    def passage_matrix(self, articles: list[TopicCandidate]) -> PassageMatrix:
        """The stacked vectors of `articles`; the last one is kept and reused only for the
        very same arrays (the store hands out its cached ones), in the same order, and its
        rows are carried into the next one when the period moved on (`PassageMatrix.of`)."""
        last = self._last_matrix
        if last is not None and last.rows_carried_into(articles) == (0, len(articles)):
            return last
        self._last_matrix = PassageMatrix.of(articles, last)
        return self._last_matrix

    def _category_cosines_of(self, matrix: PassageMatrix) -> CategoryCosines:
        """The categories' cosines to `matrix`, kept with the last passage matrix."""
        cached = self._category_cosines
        if cached is None or cached[0] is not matrix:
            cached = (matrix, CategoryCosines.of(self.category_phrases(), matrix))
            self._category_cosines = cached
        return cached[1]

    def match_query(
        self,
        topic: str,
        candidates: list[TopicCandidate],
        *,
        articles_naming: ArticlesNaming | None = None,
    ) -> list[TopicMatch]:
        """The candidates a topic query selects (see `summarizer.topics.query`), best first:
        about any of its phrases (relevance: the best of them), about none of its exclusions."""
        query = parse_topic_query(topic)

        def matches(phrase: str) -> list[TopicMatch]:
            return self.match(phrase, candidates, articles_naming=articles_naming)

        return combine_query(
            [matches(phrase) for phrase in query.phrases],
            [matches(phrase) for phrase in query.excluded],
        )

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
        return best_first(candidates, probability, self.model.cut)

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
            writes_a_word=np.zeros(count, dtype=bool),
        )
        kept = np.flatnonzero(evidence.has_vectors)
        if not len(kept):
            return evidence
        articles = [candidates[i] for i in kept]
        matrix = self.passage_matrix(articles)
        query = self.query_vector(names.topic)
        meaning = meaning_evidence(matrix, query)
        as_category = self.is_category(names.topic)
        lexical, named_as_name = self._naming_evidence(
            names, articles, matrix, articles_naming, as_name=as_category
        )
        evidence.entity[kept] = np.column_stack([lexical, *meaning])
        evidence.writes_a_word[kept] = self._writing_a_word(
            names,
            articles,
            evidence.named[kept],
            evidence.meaning[kept],
            indexed=articles_naming is not None,
        )
        if as_category:
            reading, competing = self.category_phrases().topic_reading(
                query, self.settings.category_synonym_cosine
            )
            evidence.category[kept] = category_evidence(
                reading, self._category_cosines_of(matrix), competing, matrix, lexical
            )
            evidence.as_category[kept] = ~named_as_name
        return evidence

    def _writing_a_word(
        self,
        names: TopicNames,
        articles: list[TopicCandidate],
        named: np.ndarray,
        meaning: np.ndarray,
        *,
        indexed: bool,
    ) -> np.ndarray:
        """Per article: does it write one of the topic's own words (`writes_a_word`)? True for
        the articles naming the topic, and for every article when the topic's words are all of
        the news categories' vocabulary (a concept such as "takeovers" or "interest rates",
        found by its meaning). With a full-text index (`indexed`), only the articles the
        matcher's unnamed model lets in on their meaning are read: the answer for the others
        changes none of its verdicts, and a period of 100,000 articles is not read for it.
        (`named` and `meaning`: `Evidence.named` and `Evidence.meaning` of `articles`.)"""
        if self._of_category_vocabulary(names):
            return np.ones(len(articles), dtype=bool)
        unnamed = ~named
        if indexed:
            unnamed &= self.model.unnamed.probability(meaning) >= self.model.cut
        written = named.copy()
        for row in np.flatnonzero(unnamed):
            written[row] = writes_a_word(names, f"{articles[row].title}\n{articles[row].text}")
        return written

    def _of_category_vocabulary(self, names: TopicNames) -> bool:
        """Are the topic's words all of the categories' vocabulary (`_category_vocabulary`)?"""
        stems = {stem for word in names.words for stem in topic_terms(word)}
        return bool(stems) and stems <= self._category_vocabulary()

    @lru_cache(maxsize=1)  # noqa: B019 - one matcher lives as long as the bot
    def _category_vocabulary(self) -> frozenset[str]:
        """The stems of the categories' names, their description phrases' words and the other
        words readers write for them (`CATEGORY_WORDS`)."""
        texts = [
            text
            for category in self.settings.categories
            for text in (category, *CATEGORY_DESCRIPTIONS.get(category, ()))
        ]
        if texts:
            texts += CATEGORY_WORDS
        return frozenset(stem for text in texts for stem in topic_terms(text))

    def _naming_evidence(
        self,
        names: TopicNames,
        articles: list[TopicCandidate],
        matrix: PassageMatrix,
        articles_naming: ArticlesNaming | None,
        *,
        as_name: bool,
    ) -> tuple[np.ndarray, np.ndarray]:
        """`naming_evidence` of `articles` (the rows of `matrix`), reading only the ones the
        full-text index finds naming the topic: they are picked out by id in one array
        operation, so a period of 100,000 articles is not walked in Python for a name written
        in a few thousand. The others name it nowhere: their features stay 0, as
        `naming_evidence` leaves them."""
        if articles_naming is None:
            return naming_evidence(names, articles, as_name=as_name, memory=self._naming)
        indexed = articles_naming(names.search_terms)
        found = np.fromiter(indexed, dtype=np.int64, count=len(indexed))
        rows = np.flatnonzero(np.isin(matrix.ids, found))
        named, written = naming_evidence(
            names, [articles[row] for row in rows], as_name=as_name, memory=self._naming
        )
        lexical = np.zeros((len(articles), named.shape[1]), dtype=np.float32)
        as_name_of = np.zeros(len(articles), dtype=bool)
        lexical[rows], as_name_of[rows] = named, written
        return lexical, as_name_of


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
