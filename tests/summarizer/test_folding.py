"""Diacritics folded as the full-text index folds them: one letter for one, the same letters."""

from __future__ import annotations

import sqlite3

from summarizer.folding import FOLDED_LETTERS, fold_diacritics


def test_composed_letters_lose_their_marks_and_the_text_keeps_its_length() -> None:
    text = "Erdoğan, São Paulo, ZÜRICH, Nguyễn, “quotes” — and ß, æ, ø, ł, ı stay"

    folded = fold_diacritics(text)

    assert folded == "Erdogan, Sao Paulo, ZURICH, Nguyen, “quotes” — and ß, æ, ø, ł, ı stay"
    assert len(folded) == len(text)
    assert fold_diacritics("plain “news”") == "plain “news”"


def test_every_folded_letter_is_folded_alike_by_the_sqlite_index() -> None:
    letters, bases = FOLDED_LETTERS
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize='unicode61 remove_diacritics 2')")
    db.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", enumerate(f"q{c}q" for c in letters))

    found = [
        db.execute("SELECT rowid FROM t WHERE t MATCH ?", (f'"q{base.lower()}q"',)).fetchall()
        for base in bases
    ]

    assert len(letters) == len(bases) > 400
    assert all((row,) in rows for row, rows in enumerate(found))
    assert fold_diacritics(letters) == bases
