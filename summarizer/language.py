"""The language of an article's text (ISO 639-1 code), by py3langid's offline classifier."""

from __future__ import annotations

import py3langid

SAMPLE_CHARS = 2_000


def detect_language(text: str) -> str | None:
    """The most likely language code of `text` ("en", "de", ...), None for an empty text."""
    sample = text[:SAMPLE_CHARS]
    if not sample.strip():
        return None
    language, _score = py3langid.classify(sample)
    return language
