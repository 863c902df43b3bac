"""Sentence splitting and passages: the units every model in this package works on.

Sentences are split with a rule that keeps closing quotes and brackets with their sentence and
only breaks before something that can start a sentence (capital, digit, quote, bracket).
Passages are runs of whole sentences that fit the encoder's window; a sentence longer than the
window is split into word windows so no text is dropped.
"""

from __future__ import annotations

import re

_SENTENCE_BREAK = re.compile(
    r"(?:(?<=[.!?…])|(?<=[.!?…][\"'”’)\]])|(?<=[.!?…][\"'”’)\]]{2}))"
    r"\s+(?=[\"'“‘(\[]?[A-Z0-9£$€\u0400-\u04FF])"
)
_ABBREVIATIONS = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sen|Rep|Gen|Col|Lt|St|Jr|Sr|Inc|Ltd|Co|Corp|vs|etc|No|Nos|Jan|Feb|"
    r"Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|U\.S|U\.K|U\.N|E\.U)|\b[A-Z])\.$"
)


def split_sentences(text: str) -> list[str]:
    """Split `text` into sentences; paragraphs (blank-line or newline separated) never merge."""
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = " ".join(paragraph.split())
        if not paragraph:
            continue
        pending = ""
        for piece in _SENTENCE_BREAK.split(paragraph):
            pending = f"{pending} {piece}" if pending else piece
            if not _ABBREVIATIONS.search(pending):
                sentences.append(pending)
                pending = ""
        if pending:
            sentences.append(pending)
    return sentences


def make_passages(sentences: list[str], max_words: int = 120) -> list[str]:
    """Group consecutive sentences into passages of at most about `max_words` words.

    `max_words` keeps a passage inside a 256-word-piece window (news English runs about 1.3
    pieces per word). A single sentence longer than that is cut into word windows.
    """
    passages: list[str] = []
    current: list[str] = []
    current_words = 0
    for sentence in sentences:
        words = sentence.split()
        if len(words) > max_words:
            if current:
                passages.append(" ".join(current))
                current, current_words = [], 0
            passages.extend(
                " ".join(words[i : i + max_words]) for i in range(0, len(words), max_words)
            )
            continue
        if current and current_words + len(words) > max_words:
            passages.append(" ".join(current))
            current, current_words = [], 0
        current.append(sentence)
        current_words += len(words)
    if current:
        passages.append(" ".join(current))
    return passages
