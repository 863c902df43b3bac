"""Frequent subjects of a set of texts, to suggest topics a user can ask for.

A name is a capitalized word whose lower-case form never occurs in the texts and is no function
word (so "However" at the start of a sentence is not one, "Kazakhstan" is); runs of names form
one subject ("North Korea", "Xi Jinping"), ranked by how many texts name them, then how often.
Cheap and model-free: it finds places, people and organisations, not abstract themes.
"""

from __future__ import annotations

import re
from collections import Counter

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s$")
_MAX_RUN = 3
# Function words that start sentences often enough to pass for names in a small store.
_FUNCTION_WORDS = frozenset(
    "a an the and but or nor so yet if as at by for from in into of on onto to with without "
    "he she it they we you i his her its their our this that these those there here what when "
    "where which who why how after before while since though although however meanwhile "
    "still also even only just not no yes".split()
    # Calendar words are capitalized and never lower-case, yet no subject.
    + "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december mr mrs ms dr".split()
)


def subject_counts(texts: list[str], *, limit: int = 8) -> list[tuple[str, int]]:
    """The `limit` subjects named in the most texts, lower-cased, each with how many texts name
    it; a subject contained in a more widespread one ("korea" in "north korea") is left out."""
    lower_words = {w for text in texts for w in _WORD.findall(text) if w.islower()}
    texts_naming: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    for text in texts:
        found = _subjects(text, lower_words)
        mentions.update(found)
        texts_naming.update(set(found))
    ranked = sorted(texts_naming, key=lambda s: (-texts_naming[s], -mentions[s], s))
    chosen: list[str] = []
    for subject in ranked:
        if len(chosen) == limit:
            break
        if not any(f" {subject} " in f" {longer} " for longer in chosen):
            chosen.append(subject)
    return [(subject, texts_naming[subject]) for subject in chosen]


def _subjects(text: str, lower_words: set[str]) -> list[str]:
    subjects: list[str] = []
    run: list[str] = []
    for match in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", match.group())
        gap = text[match.start() - 1] if match.start() else " "
        is_name = (
            word[:1].isupper()
            and len(word) > 1
            and word.lower() not in lower_words
            and word.lower() not in _FUNCTION_WORDS
        )
        if is_name and run and gap == " " and len(run) < _MAX_RUN:
            run.append(word)
            continue
        if run:
            subjects.append(" ".join(run).lower())
        run = [word] if is_name else []
    if run:
        subjects.append(" ".join(run).lower())
    return subjects
