"""A guard against generated summaries that state facts their source does not.

Generative models (seq2seq, instruction-tuned) can invent numbers and names. The check is lexical
and cheap: every number and every capitalized word of the summary must occur in the source.
- Numbers compare by their digits ("1,200" = "1200"; "3.5" stays "3.5").
- A capitalized word (a name, or any word opening a sentence) is supported when the source has
  it in any case, with or without a possessive "'s"; so "The" opening a summary passes whenever
  the source says "the".
Limits: a name spelled out differently ("U.S." against "United States"), a number written in
words, or a paraphrased common word opening a sentence counts as unsupported, which errs toward
the extractive fallback; an invented fact in lower case ("doubled") is not caught.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPITALIZED = re.compile(r"\b[A-Z][\w-]*(?:['’][A-Za-z]+)?")
_WORD = re.compile(r"[\w'’-]+")
_POSSESSIVE = re.compile(r"['’]s?$")


def unsupported_facts(summary: str, source: str) -> list[str]:
    """Numbers and capitalized words of `summary` that `source` never mentions, in order."""
    source_numbers = {_digits(n) for n in _NUMBER.findall(source)}
    source_words = {_POSSESSIVE.sub("", w.lower()) for w in _WORD.findall(source)}
    missing: list[str] = []
    for number in _NUMBER.findall(summary):
        if _digits(number) not in source_numbers and number not in missing:
            missing.append(number)
    for match in _CAPITALIZED.findall(summary):
        word = _POSSESSIVE.sub("", match)
        if word.lower() not in source_words and word not in missing:
            missing.append(word)
    return missing


def guarded(summary: str, source: str, fallback: Callable[[], str], *, model_key: str) -> str:
    """`summary`, or `fallback()` (an extractive summary) when it names unsupported facts.

    The replacement is logged with the facts that caused it.
    """
    missing = unsupported_facts(summary, source)
    if not missing:
        return summary
    log.warning(
        "%s: summary replaced by the extractive one: it states %s, absent from the source",
        model_key,
        ", ".join(repr(fact) for fact in missing[:8]),
    )
    return fallback()


def _digits(number: str) -> str:
    """A number's digits without thousands separators: "1,200" → "1200", "3.5" → "3.5"."""
    return re.sub(r",(?=\d{3}\b)", "", number).rstrip(".,")
