"""The topic matcher: the stages of `summarizer.topics` behind one object the bot holds.

It keeps what repeats between queries: the embedded topic queries and categories, the last
topics' naming evidence per article (`NamingMemory`), and what it worked out for the periods
last asked (`summarizer.topics.memory.PeriodMemory`: the parts of an OR / exclusion query, the
next page and the pushes of one tick ask about the same period): their stacked passage
matrices, the categories' cosines, each topic's probability per article and a query's matches,
carried as a period moves on, so a topic asked again works out only the articles that arrived.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from summarizer.embedding import embed_articles
from summarizer.encoder import SentenceEncoder
from summarizer.topics.aboutness import AboutnessModel, default_model
from summarizer.topics.decision import TopicMatch, best_first, combine_query
from summarizer.topics.evidence import (
    ArticlesNaming,
    Evidence,
    NamingMemory,
    category_evidence,
    meaning_evidence,
)
from summarizer.topics.kinds import TopicKinds
from summarizer.topics.memory import PeriodMemory
from summarizer.topics.names import TopicNames, writes_a_word
from summarizer.topics.passages import PassageMatrix, TopicCandidate
from summarizer.topics.query import parse_topic_query
from summarizer.topics.reading import indexed_naming_evidence
from summarizer.topics.settings import TopicSettings

QUERY_CACHE_TOPICS = 1_000  # embedded topic queries kept: pages and pushes repeat topics
# New articles read one by one for a topic's naming evidence, not picked out by the full-text
# index: a query of the index costs 5-30 ms at 100,000 articles, reading one article ~15 µs.
READ_NEW_ARTICLES_UP_TO = 1_000
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
        self.kinds = TopicKinds(self.settings, self.query_vector, encoder.encode)
        self._naming = NamingMemory()
        self._period = PeriodMemory()

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

    def passage_matrix(self, articles: list[TopicCandidate]) -> PassageMatrix:
        """The stacked vectors of `articles`, the last matrix's carried (`PeriodMemory.matrix`)."""
        return self._period.matrix(articles)

    def match_query(
        self,
        topic: str,
        candidates: list[TopicCandidate],
        *,
        articles_naming: ArticlesNaming | None = None,
    ) -> list[TopicMatch]:
        """The candidates a topic query selects (see `summarizer.topics.query`), best first:
        about any of its phrases (relevance: the best of them), about none of its exclusions.
        The matches of the last queries are kept for the matrix they were found in."""
        query = parse_topic_query(topic)
        stacked = self._stacked(candidates)
        key = (query, articles_naming)
        matrix = stacked.matrix
        if matrix is not None and (known := self._period.matches(key, matrix)) is not None:
            return known

        def matches(phrase: str) -> list[TopicMatch]:
            return self._match(phrase, stacked, articles_naming)

        found = combine_query(
            [matches(phrase) for phrase in query.phrases],
            [matches(phrase) for phrase in query.excluded],
        )
        if matrix is not None:
            self._period.keep_matches(key, matrix, found)
        return found

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
        the naming evidence, the others are known to name it nowhere. The probabilities are
        `probabilities`', those of the articles a kept matrix of the period held carried from
        it (`PeriodMemory.probabilities`).
        """
        return self._match(topic, self._stacked(candidates), articles_naming)

    def _stacked(self, candidates: list[TopicCandidate]) -> _Stacked:
        """The candidates with those having vectors stacked (`passage_matrix`)."""
        kept = np.flatnonzero([len(c.passage_vectors) > 0 for c in candidates])
        articles = [candidates[i] for i in kept]
        return _Stacked(candidates, kept, self.passage_matrix(articles) if articles else None)

    def _match(
        self, topic: str, stacked: _Stacked, articles_naming: ArticlesNaming | None
    ) -> list[TopicMatch]:
        """`match` over candidates already stacked."""
        names = self.kinds.names(topic)
        candidates, kept, matrix = stacked.candidates, stacked.kept, stacked.matrix
        probability = np.zeros(len(candidates), dtype=np.float32)
        if matrix is not None:

            def of_new(count: int) -> np.ndarray:
                few = count <= READ_NEW_ARTICLES_UP_TO and count < len(kept)
                evidence = self._evidence_of(
                    names,
                    [candidates[i] for i in kept[len(kept) - count :]],
                    matrix.tail(count),
                    None if few else articles_naming,
                    remember=count == len(kept),
                )
                return evidence.probability(self.model)

            key = (names.topic, articles_naming)
            probability[kept] = self._period.probabilities(key, matrix, of_new)
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
        names = self.kinds.names(topic)
        evidence = Evidence.none(len(candidates))
        kept, matrix = (stacked := self._stacked(candidates)).kept, stacked.matrix
        if matrix is not None:
            articles = [candidates[i] for i in kept]
            found = self._evidence_of(names, articles, matrix, articles_naming, remember=True)
            for part in Evidence.__dataclass_fields__:
                getattr(evidence, part)[kept] = getattr(found, part)
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
        if self.kinds.of_category_vocabulary(names):
            return np.ones(len(articles), dtype=bool)
        unnamed = ~named
        if indexed:
            unnamed &= self.model.unnamed.probability(meaning) >= self.model.cut
        written = named.copy()
        for row in np.flatnonzero(unnamed):
            written[row] = writes_a_word(names, f"{articles[row].title}\n{articles[row].text}")
        return written

    def _evidence_of(
        self,
        names: TopicNames,
        articles: list[TopicCandidate],
        matrix: PassageMatrix,
        articles_naming: ArticlesNaming | None,
        *,
        remember: bool,
    ) -> Evidence:
        """`evidence` of `articles`, all with vectors, stacked as `matrix`; their naming
        evidence kept in the `NamingMemory` when `remember`."""
        query = self.query_vector(names.query)
        meaning = meaning_evidence(matrix, query)
        as_category = self.kinds.is_category(names.topic)
        memory = self._naming if remember else None
        lexical = indexed_naming_evidence(
            names, articles, matrix.ids, articles_naming, common_noun=as_category, memory=memory
        )
        evidence = Evidence.none(len(articles))
        evidence.has_vectors[:] = True
        evidence.entity[:] = np.column_stack([lexical, *meaning])
        evidence.writes_a_word[:] = self._writing_a_word(
            names,
            articles,
            evidence.named,
            evidence.meaning,
            indexed=articles_naming is not None,
        )
        if as_category:
            cosines = self._period.category_cosines(matrix, self.kinds.category_phrases())
            reading, competing = self.kinds.category_reading(names, query)
            evidence.category[:] = category_evidence(reading, cosines, competing, matrix, lexical)
            evidence.as_category[:] = True
            evidence.outranked[:] = self.kinds.outranked(names, cosines, matrix)
        return evidence


@dataclass(frozen=True)
class _Stacked:
    """Candidates, the positions of those with vectors (the others match nothing) and their
    passage matrix (None without any)."""

    candidates: list[TopicCandidate]
    kept: np.ndarray
    matrix: PassageMatrix | None


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector
