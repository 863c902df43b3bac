"""The language of an article's text (ISO 639-1 code), by py3langid's offline classifier.

py3langid loads its model on first use and does not guard the load: threads classifying at
once each load it (measured: six feed polls of a worker each spent seconds decompressing it at
the same time). `detect_language` loads it once, under a lock."""

from __future__ import annotations

import threading

import py3langid

SAMPLE_CHARS = 2_000
_load_lock = threading.Lock()
_loaded = False


def detect_language(text: str) -> str | None:
    """The most likely language code of `text` ("en", "de", ...), None for an empty text."""
    sample = text[:SAMPLE_CHARS]
    if not sample.strip():
        return None
    _load_once()
    language, _score = py3langid.classify(sample)
    return language


def _load_once() -> None:
    global _loaded
    if _loaded:
        return
    with _load_lock:
        if not _loaded:
            py3langid.classify("warm")  # the first call loads the model
            _loaded = True
