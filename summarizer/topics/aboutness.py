"""Aboutness: how likely a reader who asked for a topic wants an article, from that article alone.

The verdict is `P(about | evidence) ≥ 0.5` from a small logistic model over evidence that belongs
to the article, so the same article gets the same answer in a store of 1 or 100,000. There are
three models, because a name and a category word are found differently, and an article that
never names an entity has only its meaning to show:

- **entity** (a place, person, company, organisation: "russia", "tony blair", "opec") reads the
  naming evidence (`lexical_evidence`, with the topic's other names from
  `summarizer.topics.names` and a concept's synonyms, `TopicKinds.names`): is it named in
  the title, in the lead (first two sentences); how often (log of the count), in what share of
  the sentences; and the meaning evidence: the best passage's cosine to the embedded topic
  query and the whole article's (the unit mean of its passages). An article that never names
  the topic is judged by the **unnamed** model over these two alone, fitted on such articles,
  so it gets in only when its meaning is clearly the topic's, and only when it writes one of
  the topic's own words (`names.writes_a_word`; `evidence.Evidence`): "tony blair" is not
  about an article writing neither Tony nor Blair.
  Tried as further entity features and left out, each moving leave-one-corpus-out entity F1
  by less than ±0.03 on a corpus and none lifting every corpus: mentions per 100 words; the
  topic's standing among the article's capitalized names (its mentions over the
  most-named other name's) and among its own main subjects (`summarizer.topics.subjects` of
  its sentences: rank, first or second, share of the top three's mentions); how early it is
  first named; how many quarters of the article name it; the share of passages near the best
  one; the article's and best passage's margin over the IPTC categories (also for the unnamed
  model); the cosine of the topic to the article's top subjects (unnamed model); choosing the
  positive weights by an inner leave-one-corpus-out instead of on the fitted corpora. The
  errors left are mostly passing mentions (`python bench/topics.py --errors` lists them):
  all 11 of BBC's held-out false positives and 33 of Reuters' 41 are the named model's
  ("Shell Canada", "Fed" in a Treasury balance), 8 of Reuters' the unnamed model's (an
  interest-rate story writing "federal" or "reserve").
- **category** (a news section: "sport", "business", "crime", "world": a word of the
  categories' vocabulary close to one of them; `TopicKinds.is_category`) reads
  the competition of the topic against the IPTC Media Topics categories at article level
  (zero-shot classification), each category being its query and a few phrases of its
  vocabulary ("football match, league and championship" for sport:
  `summarizer.defaults.CATEGORY_DESCRIPTIONS`), and the topic read with its own category's
  phrases (`evidence.CategoryPhrases`): the topic's rank among the others for the article (as
  1 / (1 + rank), and whether it is in the first three), the article's cosine margin over the
  best competing category, the share of passages the topic wins, the article's and best
  passage's cosine, and whether the word is in the title and how often it is written. With the
  phrases instead of the bare names, leave-one-corpus-out category macro-F1 rose from 0.673 to
  0.75 on BBC, 0.543 to 0.63 on CNN/DM and 0.863 to 0.88 on the fixtures. A sport ("football",
  "tennis": `TopicKinds.sport`) is judged by this model as the sport section, and is about only
  the articles it is the nearest sport of (`evidence.Evidence.outranked`).

The coefficients are not tuned by hand: `python bench/topics.py --fit` fits them on the labelled
corpora (`bench/labels/`; each corpus weighs the same, the "about" pairs `positive_weight` times
their number, chosen for F1 on those corpora) and writes `aboutness_model.json` beside this
module. The cut 0.5 then reads "more likely wanted than not, counting a missed article
`positive_weight` times a wrongly sent one".

Limits: the gazetteer knows countries and a few international organisations only (no people's
titles, company products, party nicknames: "Tories" is not "conservatives"); a topic named often
in an article about something else (a Russia mention in every paragraph of a Ukraine story) can
pass; a category word is matched against broad categories by a small sentence encoder, which
confuses neighbours (business / economy / finance) — see README "Topic matching" for the figures
per corpus.
"""

from __future__ import annotations

import json
import math
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from summarizer.text import split_sentences
from summarizer.topics.names import TopicNames, count_mentions_and_listings

MODEL_FILE = Path(__file__).with_name("aboutness_model.json")
LEXICAL = ("named_in_title", "named_in_lead", "log_mentions", "sentence_share")
MEANING = ("best_passage_cosine", "article_cosine")
ENTITY_FEATURES = (*LEXICAL, *MEANING)
CATEGORY_FEATURES = (
    "category_rank",
    "in_first_three",
    "category_margin",
    "passage_win_share",
    "best_passage_cosine",
    "article_cosine",
    "named_in_title",
    "log_mentions",
)
LEAD_SENTENCES = 2
ABOUT = 0.5  # the cut: more likely wanted than not
# Articles whose sentences are kept between queries: the period of a large store (100,000), so a
# topic's first /digest finds split every article the warm-up read (`read_article`).
READ_CACHE_ARTICLES = 150_000


@dataclass(frozen=True)
class ReadArticle:
    """What the naming evidence reads of an article, whatever the topic: its title and its
    sentences. Kept compactly: the sentences the splitter makes are slices of the text, but
    where it tidies whitespace, so mostly only where each lies is kept (`_bounds`: start and
    end offsets in turn), else the sentences themselves; a few hundred bytes an article, not
    twice its text."""

    title: str
    text: str
    _bounds: array | tuple[str, ...]

    @classmethod
    def of(cls, title: str, text: str, sentences: list[str]) -> ReadArticle:
        """The article split into `sentences` (in order)."""
        bounds, end = array("I"), 0
        for sentence in sentences:
            start = text.find(sentence, end)
            if start < 0:
                return cls(title, text, tuple(sentences))
            end = start + len(sentence)
            bounds.extend((start, end))
        return cls(title, text, bounds)

    @property
    def sentences(self) -> tuple[str, ...]:
        if isinstance(self._bounds, tuple):
            return self._bounds
        text, offsets = self.text, iter(self._bounds)
        return tuple(text[start:end] for start, end in zip(offsets, offsets, strict=True))


@lru_cache(maxsize=READ_CACHE_ARTICLES)
def read_article(title: str, text: str) -> ReadArticle:
    """The article split for `lexical_evidence`; remembered, so calling it ahead (at start-up)
    spares a /digest the splitting."""
    return ReadArticle.of(title, text, split_sentences(text))


def lexical_evidence(
    names: TopicNames, article: ReadArticle, *, common_noun: bool = False
) -> np.ndarray:
    """The naming features (`LEXICAL`, in order) of one article, all 0 when it never names the
    topic; with `common_noun` (a news category), only its mentions that are no part of a name
    count (`count_mentions_and_listings`). A place listed among three or more ("Georgia,
    Armenia, Kazakhstan and the Baltic states") counts as a mention, yet does not make the
    title or the lead name it."""
    texts = [article.title, *article.sentences]
    counts, listed = count_mentions_and_listings(names, texts, common_noun=common_noun)
    in_title, *per_sentence = counts
    own_title, *own_sentences = (n - k for n, k in zip(counts, listed, strict=True))
    count = sum(per_sentence)
    if not count and not in_title:
        return np.zeros(len(LEXICAL), dtype=np.float32)
    return np.array(
        [
            float(own_title > 0),
            float(sum(own_sentences[:LEAD_SENTENCES]) > 0),
            math.log1p(count),
            sum(1 for n in per_sentence if n) / max(len(per_sentence), 1),
        ],
        dtype=np.float32,
    )


@dataclass(frozen=True)
class LogisticModel:
    """P = sigmoid(intercept + coefficients · evidence), evidence in `features` order."""

    features: tuple[str, ...]
    coefficients: np.ndarray
    intercept: float

    @classmethod
    def from_dict(cls, features: tuple[str, ...], fitted: dict) -> LogisticModel:
        """The model of {"coefficients": {feature: weight}, "intercept": b} over `features`."""
        weights = fitted["coefficients"]
        if set(weights) != set(features):
            raise ValueError(f"the aboutness model names {sorted(weights)}, not {features}")
        coefficients = np.array([weights[f] for f in features], dtype=np.float32)
        return cls(features, coefficients, float(fitted["intercept"]))

    def to_dict(self) -> dict:
        weights = {
            f: round(float(w), 4) for f, w in zip(self.features, self.coefficients, strict=True)
        }
        return {"coefficients": weights, "intercept": round(self.intercept, 4)}

    def probability(self, evidence: np.ndarray) -> np.ndarray:
        """P(about) per row of `evidence` (articles × `features`)."""
        logits = evidence @ self.coefficients + np.float32(self.intercept)
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -30, 30)))


@dataclass(frozen=True)
class AboutnessModel:
    """The three models (an entity topic in an article naming it, in one that does not, a
    category topic); an article is about the topic when P ≥ `cut`."""

    entity: LogisticModel
    unnamed: LogisticModel
    category: LogisticModel
    cut: float = ABOUT

    @classmethod
    def from_dict(cls, fitted: dict) -> AboutnessModel:
        return cls(
            LogisticModel.from_dict(ENTITY_FEATURES, fitted["entity"]),
            LogisticModel.from_dict(MEANING, fitted["unnamed"]),
            LogisticModel.from_dict(CATEGORY_FEATURES, fitted["category"]),
        )


@lru_cache(maxsize=1)
def default_model() -> AboutnessModel:
    """The fitted model shipped with the package (`MODEL_FILE`)."""
    return AboutnessModel.from_dict(json.loads(MODEL_FILE.read_text(encoding="utf-8")))
