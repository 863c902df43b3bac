"""Footnotes: reference lists and notes sections at the end, markers inside the text.

A notes section is a heading such as "Notes" or "References" followed by numbered entries; it
is cut with everything after it. A run of numbered entries ending the text ("1. Title, date.
https://...", "[2] ...") is cut when most entries cite a link or a year, so an ordinary numbered
list of steps survives. Markers are removed when they cannot be a quantity: "[3]" anywhere,
superscript digits, one to three digits glued after sentence punctuation ("Games.1 The",
"motherland."10") or standing alone after it at the end of a paragraph ("2019. 3"). Limits:
a marker glued to a word without punctuation ("territory2") is kept, since it cannot be told
apart from names such as "G20" or "N95"; decimals are safe because a digit before the point
rules the pattern out.
"""

from __future__ import annotations

import re

_NOTES_HEADING = re.compile(
    r"^(?:end\s*)?(?:notes?|references?|footnotes?|sources?|bibliography|works cited|citations)"
    r"\s*:?$",
    re.IGNORECASE,
)
_ENTRY = re.compile(r"^(?:\[\d{1,3}\]|\d{1,3}[.)])\s+\S")
_BARE_URL = re.compile(r"^<?https?://\S+>?$")
_CITES = re.compile(r"https?://|\b(?:1[6-9]|20)\d{2}\b")
_BRACKET_MARKER = re.compile(r"[ \t]*\[\d{1,3}\](?!\()")
_SUPERSCRIPT = re.compile(r"[\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+")
_GLUED_MARKER = re.compile(r"(?<=[^\d\s])([.!?][\"”’')\]]?)\d{1,3}(?=\s|$)")
_TRAILING_MARKER = re.compile(r"(?<!\bNo)([.!?][\"”’')\]]?)\s+\d{1,3}$")


def remove_notes(lines: list[str]) -> list[str]:
    """Cut a notes section and a trailing reference list from the paragraphs."""
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _NOTES_HEADING.match(line) and _ENTRY.match(following):
            lines = lines[:index]
            break
    start = len(lines)
    while start > 0 and (_ENTRY.match(lines[start - 1]) or _BARE_URL.match(lines[start - 1])):
        start -= 1
    entries = [line for line in lines[start:] if _ENTRY.match(line)]
    citing = sum(1 for entry in entries if _CITES.search(entry))
    if entries and citing * 2 >= len(entries):
        return lines[:start]
    return lines


def remove_markers(line: str) -> str:
    """Remove footnote markers from one paragraph, keeping real numbers."""
    line = _BRACKET_MARKER.sub("", line)
    line = _SUPERSCRIPT.sub("", line)
    line = _GLUED_MARKER.sub(r"\1", line)
    return _TRAILING_MARKER.sub(r"\1", line)
