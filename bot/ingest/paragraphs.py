"""Paragraph layout: one paragraph per line in, paragraphs separated by one blank line out.

Pasted text marks paragraphs inconsistently (single newlines, blank lines, indentation), so every
non-blank line is taken as a paragraph. Page and column breaks are undone by joining a line that
ends in a hyphen or without closing punctuation to the next (see `join_broken_lines`). Limits: a
hard-wrapped short line whose continuation starts with a capital stays split (a label); a long
line broken at a page end after a word that can end a phrase ("… said the President" / "Biden
…") stays split too, as a standfirst without a full stop must.
Repeated paragraphs (same words, any case or punctuation) keep only their first occurrence, and
section labels with nothing under them are dropped.
"""

from __future__ import annotations

import re

from bot.ingest.fingerprint import comparable_words

_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_OPEN_END = re.compile(r"[^.!?:;…\"”’')\]]$")
_HYPHEN_END = re.compile(r"[^\W\d_]-$")
_LOWER_START = re.compile(r"^[a-z]")
_STRAY_PUNCTUATION = re.compile(r"^[.,;:]\s+")
_LABEL_END = re.compile(r"[.,;…\"”’]$")
_MAX_LABEL_WORDS = 10
# A line longer than this is no hard-wrapped line (e-mail and text files wrap at 72–80): it is a
# paragraph, which goes on past its end without closing punctuation only mid-phrase.
_WRAPPED_LINE_CHARS = 100
# Words an English phrase cannot end with: it goes on in the next line ("on the" / "German
# government"). Particles ("shot down", "took over") are not among them: they end phrases.
_OPEN_PHRASE_END = re.compile(
    r"(?:[,–—-]|\b(?:a|an|the|of|to|for|with|from|by|at|into|onto|about|between|against|"
    r"during|without|within|through|towards?|than|as|and|or|but|nor|that|which|whose|whom|if|"
    r"because|while|although|though|whether|my|your|his|her|its|our|their|this|these|those|is|"
    r"are|was|were|be|been|being|has|have|had|will|would|could|should|shall|may|might|must|"
    r"can|do|does|did|not))$",
    re.IGNORECASE,
)


def split_lines(text: str) -> list[str]:
    """Return the non-blank lines of `text`, stripped, with spaces and invisibles normalised."""
    text = _INVISIBLE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [line for raw in text.split("\n") if (line := _SPACES.sub(" ", raw).strip())]


def join_text(lines: list[str]) -> str:
    """Return the paragraphs as text, separated by one blank line."""
    return "\n\n".join(lines)


def join_broken_lines(lines: list[str]) -> list[str]:
    """Rejoin paragraphs cut mid-sentence ("ball-" / "bearings", "would only" / "say that").

    A paragraph ending without closing punctuation is continued by a next one starting in
    lower case, or by any next one when neither of the two reads as a label and it is a
    hard-wrapped line or ends mid-phrase (`_OPEN_PHRASE_END`): a long line ending in a word
    that can end a phrase is a paragraph of its own, as a standfirst ("… hit apartment blocks
    in three districts") or a credit ("—Brendan O'Kane, translator"). A paragraph opening
    with stray punctuation (". The", left by a removed citation) continues the last one.
    """
    joined: list[str] = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if _STRAY_PUNCTUATION.match(line):
            if joined:
                joined[-1] = previous + line
            elif stripped := _STRAY_PUNCTUATION.sub("", line):
                joined.append(stripped)
        elif _LOWER_START.match(line) and _HYPHEN_END.search(previous):
            joined[-1] = previous + line
        elif _OPEN_END.search(previous) and (
            _LOWER_START.match(line)
            or not (is_label(previous) or is_label(line) or _ends_a_paragraph(previous))
        ):
            joined[-1] = f"{previous} {line}"
        else:
            joined.append(line)
    return joined


def _ends_a_paragraph(line: str) -> bool:
    """Whether `line`, without closing punctuation, still ends there: it is longer than a
    hard-wrapped line and does not end mid-phrase."""
    return len(line) > _WRAPPED_LINE_CHARS and not _OPEN_PHRASE_END.search(line)


def drop_repeats(lines: list[str]) -> list[str]:
    """Keep the first of paragraphs with the same words; drop lines with no letters or digits."""
    seen: set[str] = set()
    kept: list[str] = []
    for line in lines:
        words = comparable_words(line)
        if words and words not in seen:
            seen.add(words)
            kept.append(line)
    return kept


def is_label(line: str) -> bool:
    """Whether `line` reads as a heading or section label rather than a sentence."""
    return len(line.split()) <= _MAX_LABEL_WORDS and not _LABEL_END.search(line)


def drop_empty_labels(lines: list[str]) -> list[str]:
    """Drop labels followed by another label or by the end of the text."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        if is_label(line) and (following is None or is_label(following)):
            continue
        kept.append(line)
    return kept
