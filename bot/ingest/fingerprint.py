"""Content fingerprints: one hash for the same words, however they were typed or pasted.

The text is NFKC-normalised and case-folded, then reduced to its runs of letters and digits
joined by single spaces, so whitespace, punctuation, quote styles and case never change the
hash. Word order and spelling do: this finds identical content, not near-duplicates.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+")


def comparable_words(text: str) -> str:
    """Return `text` as lower-case words joined by single spaces, punctuation dropped."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(folded))


def content_fingerprint(text: str) -> str:
    """Return the sha256 hex digest of `text` ignoring case, whitespace and punctuation."""
    return hashlib.sha256(comparable_words(text).encode("utf-8")).hexdigest()
