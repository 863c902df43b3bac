"""The full-text index's queries (`Articles.naming`): a topic's names as FTS5's query on SQLite,
as a tsquery on PostgreSQL (the index: migrations 0004 and 0018).

A name is its terms, words starting with them, adjacent and in order; a term of one letter is
that word alone, for an abbreviation written with dots. The two parsers read those differently:
SQLite's tokenizer splits "U.S." into the words "u" and "s", PostgreSQL's reads it as one word,
"u.s". Both fold diacritics, so the terms are folded as well.
"""

from __future__ import annotations

from itertools import groupby

from summarizer.folding import fold_diacritics


def naming_query(names: list[list[str]], *, sqlite: bool) -> str:
    """The query finding the articles that write any of `names` (each a non-empty list of
    letters and digits: ValueError else), for SQLite's FTS5 or else PostgreSQL."""
    if any(not terms or not all(term.isalnum() for term in terms) for terms in names):
        raise ValueError(f"search terms must be letters and digits: {names!r}")
    query = " OR ".join(map(_fts5_phrase, names)) if sqlite else " | ".join(map(_tsphrase, names))
    return fold_diacritics(query)


def _fts5_phrase(terms: list[str]) -> str:
    """One name in FTS5's syntax: ["u", "s"] → ("u" + "s"), ["north", "kore"] → ("north"* +
    "kore"*)."""
    return "(" + " + ".join(f'"{t}"' if len(t) == 1 else f'"{t}"*' for t in terms) + ")"


def _tsphrase(terms: list[str]) -> str:
    """One name in tsquery's syntax, a run of one-letter terms as either way PostgreSQL's
    parser reads it: ["u", "s"] → ((u <-> s | u.s:*)), so "U S" and "U.S.", "U.S.A." too."""
    parts: list[str] = []
    for one_letter, run in groupby(terms, key=lambda term: len(term) == 1):
        run = list(run)
        if not one_letter:
            parts += [f"{term}:*" for term in run]
        elif len(run) == 1:
            parts.append(run[0])
        else:
            parts.append(f"({' <-> '.join(run)} | {'.'.join(run)}:*)")
    return "(" + " <-> ".join(parts) + ")"
