"""Letters without their diacritics, so that a name is found however it is written.

A reader types "erdogan", "sao paulo" or "zurich"; news writes Erdoğan, São Paulo, Zürich, or
the plain letters. Topic names are matched in folded text (`summarizer.topics.names`) and the
full-text index folds the same letters (migration 0018: SQLite's unicode61 tokenizer with
`remove_diacritics 2`, PostgreSQL's `translate` with `FOLDED_LETTERS`), so both agree.

A letter is folded when Unicode decomposes it into a Latin letter and combining marks (é → e,
ğ → g, ệ → e), as SQLite's tokenizer does: one letter for one, so offsets in a folded text are
those of the text. Letters that are no such composition stay (ß, æ, ø, ł, ı): SQLite's index
keeps them, so folding them here would look for words the index cannot find.
"""

from __future__ import annotations

import re
import unicodedata

# Latin-1 Supplement, Latin Extended-A and -B, Latin Extended Additional (Vietnamese).
_LATIN_BLOCKS = ((0x00C0, 0x0250), (0x1E00, 0x1F00))
# The two such letters SQLite's tokenizer does not fold (A with dot above and macron).
_KEPT_BY_SQLITE = "Ǡǡ"
# The first byte of every letter of those blocks in UTF-8 (C3-C9: U+00C0-U+027F; E1: U+1000-
# U+1FFF): a text holding none has nothing to fold.
_LEAD_BYTES = tuple(bytes([lead]) for lead in (*range(0xC3, 0xCA), 0xE1))


def _folds() -> dict[str, str]:
    """Each composed Latin letter of `_LATIN_BLOCKS` and its base letter, in its own case."""
    folds = {}
    for start, end in _LATIN_BLOCKS:
        for code in range(start, end):
            letter = chr(code)
            base, *marks = unicodedata.normalize("NFD", letter)
            composed = marks and all(map(unicodedata.combining, marks))
            if composed and base.isascii() and base.isalpha() and letter not in _KEPT_BY_SQLITE:
                folds[letter] = base
    return folds


_FOLDS = _folds()
_FOLDABLE = re.compile("[" + re.escape("".join(_FOLDS)) + "]")
# The folds as the two strings of SQL's translate(text, from, to), one letter each.
FOLDED_LETTERS = ("".join(_FOLDS), "".join(_FOLDS.values()))


def fold_diacritics(text: str) -> str:
    """`text` with each composed Latin letter as its base letter (Erdoğan → Erdogan), the same
    length. Cheap for a text with none: most English news, curly quotes and dashes or not (its
    UTF-8 bytes are searched for the letters' first bytes, several times faster than a pattern
    of the letters; `str.translate` is slower still)."""
    if text.isascii():
        return text
    encoded = text.encode()
    if not any(lead in encoded for lead in _LEAD_BYTES):
        return text
    return _FOLDABLE.sub(lambda letter: _FOLDS[letter[0]], text)
