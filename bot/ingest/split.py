"""Splitting a journal issue or digest that holds several bylined articles.

An article starts where a title line (a bold line, a Markdown heading, or a short line without
a final period) is followed by a byline ("By Jane Roe", emphasis allowed). A start whose byline
ends in a dot leader or page numbers ("*By Jane Roe*.....pp. 2–6"), or whose title appears
again further on, is a table-of-contents entry and is skipped. With two or more starts the text
before the first is the preamble (masthead, contents) and is set aside; each article runs to the
next start. A single start with no prose before it just gives that article's title and author.
Limits: a newsletter whose stories have no bylines (plain section headings) stays one article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.ingest.fingerprint import comparable_words
from bot.ingest.markdown import markdown_to_text
from bot.ingest.metadata import parse_byline

_BOLD_LINE = re.compile(r"^\s*(?:\*\*|__).+(?:\*\*|__)\s*$")
_HEADING_LINE = re.compile(r"^\s{0,3}#{1,3}\s+\S")
_TOC_LEADER = re.compile(r"\s*\.?\s*(?:\.{2,}|…)\s*(?:pp?\.?\s*)?[\d\s–—,-]*$")
_PAGE_REFERENCE = re.compile(r"\bpp?\.\s*\d")
_MAX_TITLE_WORDS = 25
_PROSE_WORDS = 15
_BYLINE_LOOKAHEAD = 3


@dataclass(frozen=True)
class Section:
    """One article's raw text with the title and author its start line gave, if any."""

    title: str | None
    author: str | None
    body: str


@dataclass(frozen=True)
class Issue:
    """The articles of a text, and the preamble set aside before them."""

    preamble: str
    sections: list[Section]


@dataclass(frozen=True)
class _Start:
    title_index: int
    byline_index: int
    title: str
    author: str
    listed: bool


def split_issue(text: str) -> Issue:
    """Split `text` into its bylined articles; a text without them is one section."""
    lines = text.splitlines()
    starts = _find_starts(lines)
    titles = [comparable_words(start.title) for start in starts]
    real = [
        start
        for index, start in enumerate(starts)
        if not start.listed and titles[index] not in titles[index + 1 :]
    ]
    if not real:
        return Issue("", [Section(None, None, text)])
    preamble = "\n".join(lines[: real[0].title_index])
    if len(real) == 1 and _has_prose(preamble):
        return Issue("", [Section(None, None, text)])
    ends = [start.title_index for start in real[1:]] + [len(lines)]
    sections = [
        Section(start.title, start.author, "\n".join(lines[start.byline_index + 1 : end]))
        for start, end in zip(real, ends, strict=True)
    ]
    return Issue(preamble, sections)


def _find_starts(lines: list[str]) -> list[_Start]:
    starts: list[_Start] = []
    for index, line in enumerate(lines):
        title = _title_of(line)
        if title is None:
            continue
        following = [
            (offset, candidate)
            for offset, candidate in enumerate(lines[index + 1 : index + 1 + _BYLINE_LOOKAHEAD])
            if candidate.strip()
        ]
        if not following:
            continue
        offset, candidate = following[0]
        plain = markdown_to_text(candidate).strip()
        listed = bool(_TOC_LEADER.search(plain) or _PAGE_REFERENCE.search(plain))
        author = parse_byline(_TOC_LEADER.sub("", plain).strip().rstrip("*_ ."))
        if author is not None and plain.lower().startswith("by"):
            starts.append(_Start(index, index + 1 + offset, title, author, listed))
    return starts


def _title_of(line: str) -> str | None:
    if not line.strip():
        return None
    title = markdown_to_text(line).strip()
    marked = bool(_BOLD_LINE.match(line) or _HEADING_LINE.match(line))
    plain_title = len(title.split()) <= _MAX_TITLE_WORDS and not title.endswith((".", ",", ";"))
    if not (marked or plain_title) or title.lower().startswith("by "):
        return None
    return title


def _has_prose(text: str) -> bool:
    return any(len(line.split()) >= _PROSE_WORDS for line in markdown_to_text(text).splitlines())
