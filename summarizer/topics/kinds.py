"""What kind of topic a reader asked for, from the news categories it may compete with.

A topic is a **category word** ("sport", "tech", "world": one word of the categories' names
whose query comes close to one of theirs), judged by its competition against those
categories article by article; or a **sport** ("football", "tennis": `summarizer.defaults.
SPORTS`, when sport is a category), judged as the sport section and, among the sports, by the
nearest of them; or a **name** ("russia", "tony blair", "iaaf"), judged by how
articles name it and what they mean. A name whose words are all of the categories' vocabulary
is a **concept** ("takeovers", "interest rates"): articles often do not write it, so it is also
named by its synonyms among the category phrases (a one-word concept), and judged on its meaning
without its words written (`summarizer.topics.matcher.TopicMatcher`).

The categories are `TopicSettings.categories`, each its query and the phrases of its
description (`summarizer.defaults.CATEGORY_DESCRIPTIONS`), embedded once with the matcher's
encoder and query templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

import numpy as np

from summarizer.defaults import (
    CATEGORY_DESCRIPTIONS,
    CATEGORY_WORDS,
    SPORT_NAMES,
    SPORTS,
    SPORTS_CATEGORY,
)
from summarizer.topics.evidence import CategoryCosines, CategoryPhrases
from summarizer.topics.names import TopicNames, topic_names, topic_terms
from summarizer.topics.passages import PassageMatrix
from summarizer.topics.settings import TopicSettings

_LIST_ITEMS = re.compile(r",\s*|\s+and\s+")  # "crime, law and justice" → crime, law, justice
SYNONYM_CACHE_TOPICS = 1_000  # topics whose synonyms are kept: pages and pushes repeat topics


class TopicKinds:
    """The categories' vectors and vocabulary, and what they make of a topic."""

    def __init__(
        self,
        settings: TopicSettings,
        query_vector: Callable[[str], np.ndarray],
        encode: Callable[[list[str]], np.ndarray],
    ) -> None:
        self.settings = settings
        self._query_vector = query_vector  # the matcher's: its templates, remembered
        self._encode = encode

    def embed_categories(self) -> np.ndarray:
        """The competing categories' query vectors, one row each; embedded on the first call
        (at start-up: `bot.runtime.warm_up`), not in a first /digest."""
        vectors = [self._query_vector(category) for category in self.settings.categories]
        return np.stack(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)

    @lru_cache(maxsize=1)  # noqa: B019 - one matcher's kinds live as long as the bot
    def category_phrases(self) -> CategoryPhrases:
        """The competing categories with their descriptions' phrases (`CategoryPhrases`), the
        sections and then the sports (`_sports`), in one encoder call for the phrases; at
        start-up too (`bot.runtime.warm_up`). Needs a category."""
        sports = self._sports()
        descriptions = [
            *(CATEGORY_DESCRIPTIONS.get(c, ()) for c in self.settings.categories),
            *(SPORTS[sport] for sport in sports),
        ]
        vectors = self._encode([phrase for phrases in descriptions for phrase in phrases])
        ends = np.cumsum([len(phrases) for phrases in descriptions])
        queries = self.embed_categories()
        if sports:
            queries = np.vstack([queries, *(self._query_vector(sport) for sport in sports)])
        return CategoryPhrases.of(
            queries, np.split(vectors, ends[:-1]), sections=len(self.settings.categories)
        )

    def category_reading(
        self, names: TopicNames, query: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """A category topic's `query` vector read with its own sections' phrases, and which
        sections compete with it (`CategoryPhrases.topic_reading`); a sport is read as its
        section, sport (`outranked` tells the sports apart)."""
        if self.sport(names.topic):
            query = self._query_vector(SPORTS_CATEGORY)
        return self.category_phrases().topic_reading(query, self.settings.category_synonym_cosine)

    def outranked(
        self, names: TopicNames, cosines: CategoryCosines, matrix: PassageMatrix
    ) -> np.ndarray:
        """Per article of `matrix` (`cosines`: its articles' and passages' to the categories): is
        another sport nearer to it than the sport `names` is? All False for any other topic. A
        closed set, as the sports are, is told apart by the nearest of its members: a football
        report is nearer football than tennis. Nearest by the article's cosine plus its best
        passage's (on CNN/DM's 31 sports stories every one right, on BBC's 20 sixteen, where the
        article's alone put 13 right: doping and selection stories of athletes went to other
        sports; scratch measure, session 14)."""
        sport = self.sport(names.topic)
        if sport is None:
            return np.zeros(len(cosines.by_article), dtype=bool)
        sections = len(self.settings.categories)
        best_passage = np.maximum.reduceat(cosines.by_passage[:, sections:], matrix.starts)
        nearness = cosines.by_article[:, sections:] + best_passage
        return nearness.argmax(axis=1) != self._sports().index(sport)

    def sport(self, topic: str) -> str | None:
        """The sport `topic` names (`summarizer.defaults.SPORTS`, also by another name:
        "soccer" is football), when sport is one of the categories; else None."""
        name = topic_names(topic).topic
        sport = SPORT_NAMES.get(name, name)
        return sport if sport in self._sports() else None

    def is_category(self, topic: str) -> bool:
        """Is `topic` of the news categories' kind: a sport (`sport`), or one word of their
        names (`_category_name_vocabulary`) whose query comes close to one of theirs
        (`TopicSettings.category_kind_cosine`)? "sport", "tech", "world", "entertainment"
        are; "iaaf", "conservatives", "fifa", close to sport or politics but names, are
        entities; "inflation", "earthquake", words of a category's other phrases, are
        concepts: a reader asking for earthquakes wants earthquakes, not every disaster."""
        if self.sport(topic):
            return True
        names = topic_names(topic)
        if not self.settings.categories or " " in names.topic or len(names.phrases) > 1:
            return False
        stems = _word_stems(names)
        if not stems or not stems <= self._category_name_vocabulary():
            return False
        closest = float((self.embed_categories() @ self._query_vector(names.topic)).max())
        return closest >= self.settings.category_kind_cosine

    def of_category_vocabulary(self, names: TopicNames) -> bool:
        """Are the topic's words all of the categories' vocabulary (`_category_vocabulary`)?"""
        stems = _word_stems(names)
        return bool(stems) and stems <= self._category_vocabulary()

    def names(self, topic: str) -> TopicNames:
        """How articles name `topic` (`topic_names`), with a sport's other names (football is
        also written "soccer") or a concept's synonyms (`_concept_synonyms`: "takeovers" is
        also written "merger", "acquisition")."""
        names = topic_names(topic)
        if not names.topic:
            raise ValueError("A topic needs at least one word, e.g. 'russia' or 'north korea'.")
        synonyms = self._sport_names(names.topic) or self._concept_synonyms(names.topic)
        return replace(names, phrases=(*names.phrases, *synonyms)) if synonyms else names

    @lru_cache(maxsize=SYNONYM_CACHE_TOPICS)  # noqa: B019 - one matcher's kinds live as long as the bot
    def _concept_synonyms(self, topic: str) -> tuple[str, ...]:
        """For a one-word concept of the categories' vocabulary judged as a name, not as a
        category ("takeovers", "trade"): the other words of the category phrases holding it
        that are as close to it as a synonym (`TopicSettings.category_synonym_cosine`), so an
        article writing only them names it ("company merger, acquisition and takeover":
        merger 0.70, acquisition 0.64; not company 0.53, nor "exports" 0.55 for "trade"). A
        concept of several words has none: one word is no synonym of the whole ("exports" came
        within 0.6 of "trade war", "finance" of "stock market", so every export story named a
        trade war). Limit: the encoder puts related words as close as synonyms ("theft" 0.61
        for "fraud", "doctors" 0.69 for "hospitals"), and they count as naming the concept too."""
        names = topic_names(topic)
        one_word_concept = len(names.words) == 1 and self.of_category_vocabulary(names)
        if not one_word_concept or self.is_category(topic):
            return ()
        own = _word_stems(names)
        words = {
            word
            for category in self.settings.categories
            for phrase in CATEGORY_DESCRIPTIONS.get(category, ())
            if own & set(topic_terms(phrase))
            for word in topic_names(phrase).words
            if not own & set(topic_terms(word))
        }
        query = self._query_vector(topic)
        cut = self.settings.category_synonym_cosine
        return tuple(sorted(w for w in words if float(self._query_vector(w) @ query) >= cut))

    def _sports(self) -> tuple[str, ...]:
        """The sports that are categories of their own: all of `SPORTS` when sport is one of
        the categories, else none."""
        return tuple(SPORTS) if SPORTS_CATEGORY in self.settings.categories else ()

    def _sport_names(self, topic: str) -> tuple[str, ...]:
        """The other names of the sport `topic` is ("football": soccer; "soccer": football)."""
        sport = self.sport(topic)
        if sport is None:
            return ()
        names = [sport, *(name for name, named in SPORT_NAMES.items() if named == sport)]
        return tuple(name for name in names if name != topic_names(topic).topic)

    @lru_cache(maxsize=1)  # noqa: B019 - one matcher's kinds live as long as the bot
    def _category_name_vocabulary(self) -> frozenset[str]:
        """The stems of the one-word items of the categories' names and of their descriptions'
        first phrase, which names the category ("arts, culture, entertainment and media";
        not "human interest stories" nor "financial markets"), and of the other words readers
        write for them (`CATEGORY_WORDS`)."""
        items = (
            item
            for text in self._category_texts(phrases=1)
            for item in _LIST_ITEMS.split(text.removeprefix("the "))
        )
        return _vocabulary([item for item in items if item and " " not in item])

    @lru_cache(maxsize=1)  # noqa: B019 - one matcher's kinds live as long as the bot
    def _category_vocabulary(self) -> frozenset[str]:
        """The stems of the categories' names, their description phrases' words and the other
        words readers write for them (`CATEGORY_WORDS`)."""
        return _vocabulary(self._category_texts(phrases=None))

    def _category_texts(self, phrases: int | None) -> list[str]:
        """Each category's name and the first `phrases` of its description (None: all)."""
        return [
            text
            for category in self.settings.categories
            for text in (category, *CATEGORY_DESCRIPTIONS.get(category, ())[:phrases])
        ]


def _vocabulary(texts: list[str]) -> frozenset[str]:
    """The stems of `texts` and, when there are any, of `CATEGORY_WORDS`."""
    words = [*texts, *CATEGORY_WORDS] if texts else []
    return frozenset(stem for text in words for stem in topic_terms(text))


def _word_stems(names: TopicNames) -> set[str]:
    """The stems of the topic's own words (`TopicNames.words`)."""
    return {stem for word in names.words for stem in topic_terms(word)}
