"""Extractive summaries: the article's own most central sentences, in article order.

Algorithm
1. Split the text into sentences and keep the candidates: 10–60 words, mostly letters, no URL, not
   a question, and at least three lower-case words (a cheap stand-in for "has a verb": headings,
   bylines, captions in Title Case and UI tokens fail it). Two sentences glued by a lost full
   stop ("…holding guns It achieved…", a caption run into the text) are two sentences already:
   the splitter parts them (`summarizer.text`). If no sentence passes, all are used.
2. Embed the candidates with the shared sentence encoder (one batched call for many texts), or
   take their vectors from an article embedded once for both its summary and its topic vectors
   (`summarizer.embedding`, what the worker does).
3. Score each candidate by equal votes of five signals, each the candidate's rank among the
   candidates (1 = best, ties shared), averaged: its position (news puts the main point first),
   its cosine to the centroid of the candidates (semantic centrality), its lexical centrality
   (the mean, over its words of four or more letters, of how many candidates use the word), the
   names it holds (capitalised words after its first) and its cosine to the title, when there is
   one. No signal has a weight to tune: a lead bonus fitted to CNN/Daily Mail's lead bias lost
   to a plain centroid on BBC news by ROUGE-2 0.096, and every weighting tried traded one corpus
   for the other (docs/benchmarks.md).
4. Pick in score order, skipping a sentence too similar to one already picked (near-duplicates
   only) or one that mostly repeats their wording (more than half of its word pairs, adjacent
   words of the lexical signal, already in them: a restated fact reworded around the same
   phrases; news-summaries ROUGE-2 +0.0013, BBC unchanged), until `sentences` are picked; a
   sentence that needs its antecedent (step 6) counts with it, so a summary holds `sentences`
   sentences, never more.
5. Long texts (more than `section_sentences` candidates or `section_words` words) are summarized
   whole: they are cut into equal sections of consecutive sentences; each section picks its best
   sentences by the votes of step 3 within the section (positions counted from its start: a
   multi-story text has a lead per story); the final choice among those trades relevance to the
   whole text's centroid for novelty (maximal marginal relevance), one per section when there are
   enough sections, so every part of the text can contribute.
6. Dangling openings are repaired. A picked sentence that opens with a pronoun ("He said…",
   "They…", "This is…", also after a short opening phrase: "At the same time, it…") brings the
   candidate before it (its likely antecedent; up to two back) along, within the sentence
   budget: when its antecedents do not fit, the next best sentence is taken instead. A picked
   sentence that opens with a connective ("However, ", "But ") loses it unless the sentence
   before it is picked too.
7. Output in article order, each sentence ending with a full stop where the text gave it none (a
   caption run into the text ends without one, and "… of the sick video They were …" would read
   as one sentence), and without the pointers to a page's photos that a digest has not got
   ("(pictured)", "(left)", "(far right)", "(from left to right)", "(file photo of …)") or to
   the sources it cites by name and date ("(e.g., Xinhua, August 23, 2023)").

Limits: the summary is only as clean as the text; sentence splitting is rule-based; the
sentence before a pronoun is assumed to hold its antecedent; the names signal reads English
capitalisation.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from collections import Counter
from dataclasses import dataclass

import numpy as np

from summarizer.embedding import EmbeddedArticle
from summarizer.encoder import SentenceEncoder
from summarizer.text import has_closing_mark, split_sentences, title_passage

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_DANGLING_CONNECTIVE = re.compile(
    r"^(?:(?:And|But|Yet)\s+|(?:However|Meanwhile|Moreover|Furthermore|Nevertheless|Still|"
    r"Instead|Also|Besides|Indeed|Nonetheless)\s*,\s+)(?=\S)"
)
# "This is…", "That means…", "This complicates…" refer back; "This week…" does not ("This
# process…" is taken for a pronoun too: it also refers back). The pronoun may follow a short
# opening phrase: "At the same time, it…", "However, they…", "In 2020, he…".
_OPENING_PRONOUN = re.compile(
    r"^(?:[^,.;:!?\"“”]{1,40},\s+)?(?i:(?:He|She|They|It|We|His|Her|Their|Its|Our|These|Those)\b|"
    r"(?:This|That)\s+(?:is|was|has|had|will|would|could|can|may|might|\w+(?:s|ed))\b)"
)
# A pointer to a photo on the article's page, written in lower case ("(Left)" may be a party)
_PHOTO_POINTER = re.compile(
    r"\s*\((?:(?:pictured|photographed|not pictured|file (?:photo|picture|image)|inset)\b[^()]*"
    r"|(?:(?:far|second|third) )?(?:left|right|centre|center|above|below|top|bottom)"
    r"(?:(?:,| and| to) (?:(?:far|second|third) )?(?:left|right|centre|center|top|bottom))*"
    r"|(?:from|clockwise from) (?:top )?left(?: to right)?)\)"
)
# A source cited in parentheses by name and date: "(e.g., Xinhua, August 23, 2023)", "(VoE,
# September 11, 2023; Der Spiegel, March 28)", "(Reuters, 5 March)"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_SOURCE_CITATION = re.compile(
    rf"\s*\((?:e\.g\.,? |see |cf\. )?[^()]{{1,80}}?, (?:{_MONTH} \d{{1,2}}|\d{{1,2}} {_MONTH})"
    r"(?:, \d{4})?(?:[;,] [^()]{0,160})?\)"
)
_WORD = re.compile(r"[^\W_]{4,}")  # a word of the lexical signal: four or more letters/digits
SIGNALS = ("position", "centrality", "lexical", "names", "title")  # the votes of step 3
MAX_ANTECEDENTS = 2  # sentences brought along, back from a picked one that opens with a pronoun
OVERVIEW_SENTENCES = 3  # sentences of a digest's overview across its articles' summaries
# Summary sentences whose vectors the overview keeps (1.5 KB each with the default encoder):
# a recent period's 10,000 summaries hold about 30,000. Past it the memory starts over.
OVERVIEW_VECTORS_KEPT = 60_000


@dataclass(frozen=True)
class ExtractiveSettings:
    """Tuning of the extractive scorer (see the module docstring)."""

    min_words: int = 10
    max_words: int = 60
    signals: tuple[str, ...] = SIGNALS  # the signals that vote, each with one equal vote
    # cosine above which a sentence is a near-duplicate of a picked one; 0.75 catches a forum
    # reply quoting the lead (0.77); news-summaries ROUGE 0.85 → 0.75: R1 +0.002, R2 −0.000
    redundancy: float = 0.75
    # share of a sentence's word pairs already in the picked sentences above which it is skipped
    repeated_pairs: float = 0.5
    section_sentences: int = 60  # more candidates than this: summarize by sections
    section_words: int = 2000  # more candidate words than this: summarize by sections
    novelty_weight: float = 0.3  # weight of novelty when choosing across sections

    def __post_init__(self) -> None:
        unknown = set(self.signals) - set(SIGNALS)
        if unknown or not self.signals:
            raise ValueError(f"signals must be some of {SIGNALS}, got {self.signals}")

    @property
    def digest(self) -> str:
        """Short stable digest of these settings, part of the model key."""
        return hashlib.sha1(repr(self).encode()).hexdigest()[:8]


class ExtractiveSummarizer:
    """Picks `sentences` sentences of the article with the shared sentence encoder."""

    def __init__(
        self,
        encoder: SentenceEncoder,
        *,
        sentences: int = 3,
        settings: ExtractiveSettings | None = None,
    ) -> None:
        if sentences < 1:
            raise ValueError(f"sentences must be at least 1, got {sentences}")
        self._encoder = encoder
        self.sentences = sentences
        self.settings = settings or ExtractiveSettings()
        self.model_key = f"extractive:{encoder.name}:s{sentences}:{self.settings.digest}"
        self._sentence_vectors: dict[str, np.ndarray] = {}  # the overview's, by sentence text
        self._vectors_lock = threading.Lock()

    def load(self) -> None:
        """Load the sentence encoder now."""
        self._encoder.encode(["Loading the sentence encoder."])

    def summarize(self, text: str, title: str = "") -> str:
        """The summary of one text (empty for a text without sentences)."""
        return self.summarize_many([text], [title])[0]

    def summarize_many(self, texts: list[str], titles: list[str] | None = None) -> list[str]:
        """Summaries of `texts` (with their `titles`, when known), embedding all their candidate
        sentences and titles in one encoder call."""
        titles = titles or [""] * len(texts)
        documents = [self._candidates(split_sentences(text)) for text in texts]
        heads = [title_passage(title) for title in titles]
        flat = [
            piece
            for document, head in zip(documents, heads, strict=True)
            for piece in head + document
        ]
        vectors = self._encoder.encode(flat) if flat else np.zeros((0, 1), dtype=np.float32)
        summaries, start = [], 0
        for document, head in zip(documents, heads, strict=True):
            own = vectors[start : start + len(head) + len(document)]
            start += len(head) + len(document)
            title_vector = own[0] if head else None
            summaries.append(self._summarize_document(document, own[len(head) :], title_vector))
        return summaries

    def summarize_embedded(self, articles: list[EmbeddedArticle]) -> list[str]:
        """Summaries of already embedded articles, from their sentence vectors: no encoder call.

        The vectors must come from this summarizer's encoder (the worker shares one).
        """
        summaries = []
        for article in articles:
            keep = self._candidate_indices(article.sentences)
            document = [article.sentences[i] for i in keep]
            title_vector = article.passage_vectors[0] if title_passage(article.title) else None
            summaries.append(
                self._summarize_document(document, article.sentence_vectors[keep], title_vector)
            )
        return summaries

    def overview(self, summaries: list[str]) -> str:
        """A few sentences across `summaries`: the most central ones, no near-duplicates.

        At most `OVERVIEW_SENTENCES`, one per summary at most, so the overview spans articles.
        Centrality alone decides (every summary's sentences are already its main points, and one
        off-topic summary must not win by position); the choice trades centrality for novelty as
        across the sections of a long text. Most central sentence first.
        """
        per_summary = [split_sentences(summary) for summary in summaries]
        sentences = [sentence for group in per_summary for sentence in group]
        if not sentences:
            return ""
        vectors = self._overview_vectors(sentences)
        groups = np.concatenate([np.full(len(group), n) for n, group in enumerate(per_summary)])
        chosen = self._pick(
            vectors @ _unit_mean(vectors),
            vectors,
            np.arange(len(sentences)),
            self.settings.novelty_weight,
            OVERVIEW_SENTENCES,
            groups=groups,
        )
        return " ".join(_ended(_repair_opening(sentences, [], index)) for index in chosen)

    def prepare_overview(self, summaries: list[str]) -> None:
        """Encode now the sentences of `summaries` that an overview would read (the warm-up does
        it for the period's summaries), so an overview of them needs no encoder pass."""
        sentences = [s for summary in summaries for s in split_sentences(summary)]
        if sentences:  # a period without summaries (a new bot) has nothing to prepare
            self._overview_vectors(sentences)

    def _overview_vectors(self, sentences: list[str]) -> np.ndarray:
        """The vectors of `sentences`, each encoded once (a sentence's vector depends on its
        text alone) and remembered, up to `OVERVIEW_VECTORS_KEPT` sentences."""
        with self._vectors_lock:
            known = {s: self._sentence_vectors.get(s) for s in sentences}
        missing = list(dict.fromkeys(s for s, vector in known.items() if vector is None))
        if missing:
            encoded = dict(zip(missing, self._encoder.encode(missing), strict=True))
            known |= encoded
            with self._vectors_lock:
                if len(self._sentence_vectors) + len(encoded) > OVERVIEW_VECTORS_KEPT:
                    self._sentence_vectors.clear()
                self._sentence_vectors.update(encoded)
        return np.stack([known[s] for s in sentences])

    def _candidates(self, sentences: list[str]) -> list[str]:
        return [sentences[i] for i in self._candidate_indices(sentences)]

    def _candidate_indices(self, sentences: list[str]) -> list[int]:
        """Indices of the candidate sentences; all of them when none is a candidate."""
        keep = [i for i, sentence in enumerate(sentences) if self._is_candidate(sentence)]
        return keep or list(range(len(sentences)))

    def _is_candidate(self, sentence: str) -> bool:
        words = sentence.split()
        if not self.settings.min_words <= len(words) <= self.settings.max_words:
            return False
        if sentence.endswith("?") or _URL.search(sentence):
            return False
        visible = sentence.replace(" ", "")
        if sum(c.isalpha() for c in visible) < 0.6 * len(visible):
            return False
        return sum(1 for w in words if w[0].islower()) >= 3

    def _summarize_document(
        self, document: list[str], vectors: np.ndarray, title_vector: np.ndarray | None
    ) -> str:
        if not document:
            return ""
        s = self.settings
        total_words = sum(len(sentence.split()) for sentence in document)
        every = np.arange(len(document))
        if len(document) <= s.section_sentences and total_words <= s.section_words:
            relevance = self._votes(document, vectors, every, every, title_vector)
            chosen = self._pick(relevance, vectors, every, 0.0, self.sentences, document)
        else:
            chosen = self._pick_by_sections(document, vectors, total_words, title_vector)
        chosen = _with_antecedents(document, chosen)
        return " ".join(
            _ended(_without_page_asides(_repair_opening(document, chosen, i))) for i in chosen
        )

    def _pick_by_sections(
        self,
        document: list[str],
        vectors: np.ndarray,
        total_words: int,
        title_vector: np.ndarray | None,
    ) -> list[int]:
        """Best sentences of each section (by the votes of step 3), then those closest to the
        whole text's centroid, traded for novelty (MMR), so every part of the text can contribute:
        one per section when there are at least as many sections as summary sentences.

        Positions count from each section's start, so every section's lead competes equally.
        """
        s = self.settings
        count = max(
            math.ceil(len(vectors) / s.section_sentences),
            math.ceil(total_words / s.section_words),
        )
        sections = np.array_split(np.arange(len(vectors)), count)
        positions = np.concatenate([np.arange(len(section)) for section in sections])
        pool: list[int] = []
        for section in sections:
            relevance = self._votes(
                document, vectors, section, positions[section], title_vector, scope=section
            )
            pool.extend(self._pick(relevance, vectors, section, 0.0, self.sentences, document))
        among = np.array(sorted(pool))
        relevance = vectors[among] @ _unit_mean(vectors)
        section_of = np.concatenate(
            [np.full(len(section), n) for n, section in enumerate(sections)]
        )
        one_per_section = section_of if len(sections) >= self.sentences else None
        return self._pick(
            relevance, vectors, among, s.novelty_weight, self.sentences, document, one_per_section
        )

    def _votes(
        self,
        document: list[str],
        vectors: np.ndarray,
        among: np.ndarray,
        positions: np.ndarray,
        title_vector: np.ndarray | None,
        scope: np.ndarray | None = None,
    ) -> np.ndarray:
        """Relevance of the candidates `among`: the mean of their ranks by each signal (step 3),
        in (0, 1], centrality and word counts taken over `scope` (default: the document)."""
        scope = np.arange(len(document)) if scope is None else scope
        words_of = [[w.lower() for w in _WORD.findall(document[i])] for i in among]
        usage = Counter(w for i in scope for w in {w.lower() for w in _WORD.findall(document[i])})
        signals = {
            "position": -positions.astype(np.float64),
            "centrality": vectors[among] @ _unit_mean(vectors[scope]),
            "lexical": np.array(
                [np.mean([usage[w] for w in ws]) if ws else 0.0 for ws in words_of]
            ),
            "names": np.array([_names(document[i]) for i in among], dtype=np.float64),
        }
        if title_vector is not None:
            signals["title"] = vectors[among] @ title_vector
        voting = [signals[name] for name in self.settings.signals if name in signals]
        return np.mean([_ranks(values) for values in voting], axis=0) / len(among)

    def _pick(
        self,
        relevance: np.ndarray,
        vectors: np.ndarray,
        among: np.ndarray,
        novelty_weight: float,
        count: int,
        document: list[str] | None = None,
        groups: np.ndarray | None = None,
    ) -> list[int]:
        """Indices of up to `count` candidates out of `among` (`relevance` is theirs), best first.

        With `novelty_weight` > 0 relevance is traded for novelty (MMR). With `document`, a
        sentence's antecedents (step 6) count against `count` and a sentence repeating the picked
        ones' word pairs is skipped (step 4). With `groups` (a group number per candidate) at
        most one candidate of each group is picked.
        """
        chosen: list[int] = []
        available = list(range(len(among)))
        used = 0
        said: set[tuple[str, str]] = set()  # the word pairs of the picked sentences
        while available and used < count:
            if chosen:
                similarity = vectors[among[available]] @ vectors[among[chosen]].T
                closest = similarity.max(axis=1)
            else:
                closest = np.zeros(len(available))
            gain = (1 - novelty_weight) * relevance[available] - novelty_weight * closest
            best = int(np.argmax(gain))
            picked = available.pop(best)
            pairs = _word_pairs(document[among[picked]]) if document is not None else set()
            repeated = len(pairs & said) > self.settings.repeated_pairs * len(pairs)
            if closest[best] > self.settings.redundancy or repeated:
                continue
            cost = 1
            if document is not None:
                before = [int(among[i]) for i in chosen]
                cost = len(_with_antecedents(document, [*before, int(among[picked])])) - len(
                    _with_antecedents(document, before)
                )
            if used + cost > count:
                continue
            used += cost
            chosen.append(picked)
            said |= pairs
            if groups is not None:
                group = groups[among[picked]]
                available = [i for i in available if groups[among[i]] != group]
        return [int(among[i]) for i in chosen]


def _unit_mean(vectors: np.ndarray) -> np.ndarray:
    """The unit-length mean of `vectors` (rows)."""
    centroid = vectors.mean(axis=0)
    return centroid / (np.linalg.norm(centroid) or 1.0)


def _word_pairs(sentence: str) -> set[tuple[str, str]]:
    """The sentence's pairs of adjacent words of the lexical signal, lower-cased."""
    words = [word.lower() for word in _WORD.findall(sentence)]
    return set(zip(words, words[1:], strict=False))


def _names(sentence: str) -> int:
    """Capitalised words after the sentence's first: names of people, places, organisations."""
    return sum(1 for word in sentence.split()[1:] if word[:1].isupper())


def _ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks of `values`, highest best-ranked last (= len), tied values sharing the mean."""
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    upper = np.cumsum(counts)
    return (upper - (counts - 1) / 2.0)[inverse]


def _with_antecedents(document: list[str], chosen: list[int]) -> list[int]:
    """`chosen` in order, plus the sentences before any picked one that opens with a pronoun."""
    picked = set(chosen)
    for index in chosen:
        back = index
        while (
            back > 0
            and index - back < MAX_ANTECEDENTS
            and back - 1 not in picked
            and _OPENING_PRONOUN.match(document[back])
        ):
            back -= 1
            picked.add(back)
    return sorted(picked)


def _ended(sentence: str) -> str:
    """`sentence` with a full stop at its end where it has no closing mark (a trailing comma,
    colon or dash gives way to it)."""
    if has_closing_mark(sentence):
        return sentence
    return sentence.rstrip(" ,;:-–—") + "."


def _without_page_asides(sentence: str) -> str:
    """`sentence` without what points a reader of the page elsewhere: its photos and the
    sources it cites in parentheses."""
    return _SOURCE_CITATION.sub("", _PHOTO_POINTER.sub("", sentence)).strip()


def _repair_opening(document: list[str], chosen: list[int], index: int) -> str:
    """The candidate sentence, without an opening connective that would dangle in the summary."""
    text = document[index]
    if index - 1 in chosen:
        return text
    repaired = _DANGLING_CONNECTIVE.sub("", text, count=1)
    return text if repaired == text else repaired[0].upper() + repaired[1:]
