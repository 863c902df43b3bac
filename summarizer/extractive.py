"""Extractive summaries: the article's own most central sentences, in article order.

Algorithm
1. Split the text into sentences and keep the candidates: 10–60 words, mostly letters, no URL, not
   a question, and at least three lower-case words (a cheap stand-in for "has a verb": headings,
   bylines, captions in Title Case and UI tokens fail it), and not two sentences glued by a lost
   full stop ("…her colleague The cost of…": a caption or scraped fragment run into the text;
   news-summaries ROUGE-L +0.0015). If no sentence passes, all are used.
2. Embed the candidates with the shared sentence encoder (one batched call for many texts), or
   take their vectors from an article embedded once for both its summary and its topic vectors
   (`summarizer.embedding`, what the worker does).
3. Score each candidate: cosine to the centroid of all candidates, plus a lead bonus that decays
   with the candidate's position (news puts the main point first), minus a small length penalty
   (long sentences sit near any centroid but carry detail a digest does not need).
4. Pick in score order, skipping a sentence too similar to one already picked (near-duplicates
   only: a soft diversity penalty changed ROUGE on news references by less than 0.003).
5. Long texts (more than `section_sentences` candidates or `section_words` words) are summarized
   whole: they are cut into
   equal sections of consecutive sentences; each section picks its best sentences against its own
   centroid, with positions counted from the section's start (a multi-story text has a lead per
   story); the final choice among those trades relevance to the whole text's centroid for novelty
   (maximal marginal relevance), so every part of the text can contribute.
6. Dangling openings are repaired. A picked sentence that opens with a pronoun ("He said…",
   "They…", "This is…") brings the candidate before it (its likely antecedent; up to two back)
   along, so a summary can run a sentence or two over `sentences`. A picked sentence that opens
   with a connective ("However, ", "But ") loses it unless the sentence before it is picked too.
   On news-summaries (100 CNN/DM articles, 3 sentences) the pronoun repair touches few
   summaries and costs ROUGE-1 0.0005; replacing or dropping the pronoun sentence cost 0.001.
7. Output in article order, so the lead (the main point, favoured by the lead bonus) comes first.

Limits: the summary is only as clean as the text; sentence splitting is rule-based; the
sentence before a pronoun is assumed to hold its antecedent.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass

import numpy as np

from summarizer.embedding import EmbeddedArticle
from summarizer.encoder import SentenceEncoder
from summarizer.text import split_sentences

_URL = re.compile(r"https?://|www\.", re.IGNORECASE)
_GLUED_SENTENCES = re.compile(r"\b[a-z]+ The [a-z]")  # "said The Guardian" is not glued
_DANGLING_CONNECTIVE = re.compile(
    r"^(?:(?:And|But|Yet)\s+|(?:However|Meanwhile|Moreover|Furthermore|Nevertheless|Still|"
    r"Instead|Also|Besides|Indeed|Nonetheless)\s*,\s+)(?=\S)"
)
# "This is…", "That means…", "This complicates…" refer back; "This week…" does not ("This
# process…" is taken for a pronoun too: it also refers back)
_OPENING_PRONOUN = re.compile(
    r"^(?:(?:He|She|They|It|We|His|Her|Their|Its|Our|These|Those)\b|"
    r"(?:This|That)\s+(?:is|was|has|had|will|would|could|can|may|might|\w+(?:s|ed))\b)"
)
MAX_ANTECEDENTS = 2  # sentences brought along, back from a picked one that opens with a pronoun
OVERVIEW_SENTENCES = 3  # sentences of a digest's overview across its articles' summaries


@dataclass(frozen=True)
class ExtractiveSettings:
    """Tuning of the extractive scorer; the defaults were measured on CNN/Daily Mail news."""

    min_words: int = 10
    max_words: int = 60
    # bonus of the first candidate; decays as exp(-position / lead_decay). News-summaries,
    # 3 sentences: 1.5 → 2.5 R1 +0.002, R2 +0.003 (4.0: no further gain)
    lead_bonus: float = 2.5
    lead_decay: float = 4.0
    length_penalty: float = 0.15  # subtracted per 30 words; 0.05 → 0.15 RL +0.001, 0.3 worse
    # cosine above which a sentence is a near-duplicate of a picked one; 0.75 catches a forum
    # reply quoting the lead (0.77); news-summaries ROUGE 0.85 → 0.75: R1 +0.002, R2 −0.000
    redundancy: float = 0.75
    section_sentences: int = 60  # more candidates than this: summarize by sections
    section_words: int = 2000  # more candidate words than this: summarize by sections
    novelty_weight: float = 0.3  # weight of novelty when choosing across sections

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

    def load(self) -> None:
        """Load the sentence encoder now."""
        self._encoder.encode(["Loading the sentence encoder."])

    def summarize(self, text: str) -> str:
        """The summary of one text (empty for a text without sentences)."""
        return self.summarize_many([text])[0]

    def summarize_many(self, texts: list[str]) -> list[str]:
        """Summaries of `texts`, embedding all their candidate sentences in one encoder call."""
        documents = [self._candidates(split_sentences(text)) for text in texts]
        flat = [sentence for document in documents for sentence in document]
        vectors = self._encoder.encode(flat) if flat else np.zeros((0, 1), dtype=np.float32)
        bounds = np.cumsum([0] + [len(document) for document in documents])
        return [
            self._summarize_document(document, vectors[start:end])
            for document, start, end in zip(documents, bounds[:-1], bounds[1:], strict=True)
        ]

    def summarize_embedded(self, articles: list[EmbeddedArticle]) -> list[str]:
        """Summaries of already embedded articles, from their sentence vectors: no encoder call.

        The vectors must come from this summarizer's encoder (the worker shares one).
        """
        summaries = []
        for article in articles:
            keep = self._candidate_indices(article.sentences)
            document = [article.sentences[i] for i in keep]
            summaries.append(self._summarize_document(document, article.sentence_vectors[keep]))
        return summaries

    def overview(self, summaries: list[str]) -> str:
        """A few sentences across `summaries`: the most central ones, no near-duplicates.

        At most `OVERVIEW_SENTENCES`, one per summary at most, so the overview spans articles.
        No lead bonus (every summary's sentences are already its main points, and one off-topic
        summary must not win by position); the choice trades centrality for novelty as across
        the sections of a long text. Most central sentence first.
        """
        per_summary = [split_sentences(summary) for summary in summaries]
        sentences = [sentence for group in per_summary for sentence in group]
        if not sentences:
            return ""
        vectors = self._encoder.encode(sentences)
        words = np.array([len(sentence.split()) for sentence in sentences], dtype=np.float64)
        groups = np.concatenate([np.full(len(group), n) for n, group in enumerate(per_summary)])
        chosen = self._pick(
            vectors,
            np.full(len(sentences), np.inf),
            words,
            np.arange(len(sentences)),
            vectors,
            self.settings.novelty_weight,
            OVERVIEW_SENTENCES,
            groups,
        )
        return " ".join(_repair_opening(sentences, [], index) for index in chosen)

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
        if sentence.endswith("?") or _URL.search(sentence) or _GLUED_SENTENCES.search(sentence):
            return False
        visible = sentence.replace(" ", "")
        if sum(c.isalpha() for c in visible) < 0.6 * len(visible):
            return False
        return sum(1 for w in words if w[0].islower()) >= 3

    def _summarize_document(self, document: list[str], vectors: np.ndarray) -> str:
        if not document:
            return ""
        s = self.settings
        words = np.array([len(sentence.split()) for sentence in document], dtype=np.float64)
        total_words = int(words.sum())
        positions = np.arange(len(document), dtype=np.float64)
        if len(document) <= s.section_sentences and total_words <= s.section_words:
            every = np.arange(len(document))
            chosen = self._pick(vectors, positions, words, every, vectors, 0.0, self.sentences)
        else:
            chosen = self._pick_by_sections(vectors, words, total_words)
        chosen = _with_antecedents(document, chosen)
        return " ".join(_repair_opening(document, chosen, i) for i in chosen)

    def _pick_by_sections(
        self, vectors: np.ndarray, words: np.ndarray, total_words: int
    ) -> list[int]:
        """Best sentences of each section, then the best of those for the whole text.

        Positions count from each section's start, so every section's lead competes equally.
        """
        s = self.settings
        count = max(
            math.ceil(len(vectors) / s.section_sentences),
            math.ceil(total_words / s.section_words),
        )
        sections = np.array_split(np.arange(len(vectors)), count)
        positions = np.concatenate([np.arange(len(section)) for section in sections])
        positions = positions.astype(np.float64)
        pool: list[int] = []
        for section in sections:
            pool.extend(
                self._pick(
                    vectors, positions, words, section, vectors[section], 0.0, self.sentences
                )
            )
        among = np.array(sorted(pool))
        return self._pick(
            vectors, positions, words, among, vectors, s.novelty_weight, self.sentences
        )

    def _pick(
        self,
        vectors: np.ndarray,
        positions: np.ndarray,
        words: np.ndarray,
        among: np.ndarray,
        context: np.ndarray,
        novelty_weight: float,
        count: int,
        groups: np.ndarray | None = None,
    ) -> list[int]:
        """Indices of up to `count` candidates out of `among`, best first.

        Relevance is the cosine to the centroid of `context` plus the lead bonus minus the length
        penalty; with `novelty_weight` > 0 relevance is traded for novelty (MMR). With `groups`
        (a group number per candidate) at most one candidate of each group is picked.
        """
        s = self.settings
        centroid = context.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        relevance = (
            vectors[among] @ centroid
            + s.lead_bonus * np.exp(-positions[among] / s.lead_decay)
            - s.length_penalty * words[among] / 30.0
        )
        chosen: list[int] = []
        available = list(range(len(among)))
        while available and len(chosen) < count:
            if chosen:
                similarity = vectors[among[available]] @ vectors[among[chosen]].T
                closest = similarity.max(axis=1)
            else:
                closest = np.zeros(len(available))
            gain = (1 - novelty_weight) * relevance[available] - novelty_weight * closest
            best = int(np.argmax(gain))
            picked = available.pop(best)
            if closest[best] <= s.redundancy:
                chosen.append(picked)
                if groups is not None:
                    group = groups[among[picked]]
                    available = [i for i in available if groups[among[i]] != group]
        return [int(among[i]) for i in chosen]


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


def _repair_opening(document: list[str], chosen: list[int], index: int) -> str:
    """The candidate sentence, without an opening connective that would dangle in the summary."""
    text = document[index]
    if index - 1 in chosen:
        return text
    repaired = _DANGLING_CONNECTIVE.sub("", text, count=1)
    return text if repaired == text else repaired[0].upper() + repaired[1:]
