"""Title, author and date found in the text itself.

Dates: ISO ("2024-11-03", with optional time and offset) or written out ("April 12, 2024",
"12 Apr 2024"); a date without a zone is taken as midnight UTC. A leading marker ("date
2024-11-03", "Date: ...", "Published: ...") in the first lines gives the published date and is
removed. Titles, best first: one already known (HTML metadata, an issue's heading), a
newsletter's own footer ("The post X appeared first on Y."), a short first line without a
final period, else the first sentence cut to about 100 characters at a word boundary. A byline
right after the title ("By Jane Roe", "Dr Jane Roe, Fellow, Institute") gives the author.
Limits: English month names only; a bare name line without "By" or a role is not a byline.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.ingest.fingerprint import comparable_words
from summarizer.text import split_sentences

_MONTHS = {
    name[:3]: number
    for number, name in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = re.compile(
    r"(?P<iso>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)"
    rf"|(?P<m1>{_MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH}),?\s+(?P<y2>\d{{4}})",
    re.IGNORECASE,
)
_DATE_MARKER = re.compile(
    r"^(?:date[d]?|published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?)\s*[:\-–—]?\s*",
    re.IGNORECASE,
)
_MARKER_SEARCH_LINES = 3

_POST_FOOTER = re.compile(r"^The post (?P<title>.+?) appeared first on .+?\.?$")

_UPPER = "A-ZÀ-ÖØ-Þ\u0100-\u017f\u0400-\u042f"
_NAME_WORD = rf"[{_UPPER}][\w'’.\-]*"
_PARTICLE = r"(?:de|del|della|van|von|der|den|da|di|du|la|le|bin|ibn|al)"
_NAME = (
    rf"(?:(?:Dr|Prof|Mr|Mrs|Ms|Sir)\.?\s+)?{_NAME_WORD}"
    rf"(?:\s+(?:{_NAME_WORD}|{_PARTICLE}))*"
)
_BY_LINE = re.compile(
    rf"^[Bb][Yy]:?\s+(?P<name>{_NAME}(?:\s*(?:,|and|&)\s*{_NAME})*?)"
    r"\s*(?:[,|·•–—]\s*.*|\.)?$"
)
_ROLE_LINE = re.compile(rf"^(?P<name>{_NAME}),\s+(?P<role>[^\d.!?]+)$")
_MAX_NAME_WORDS = 8
_MAX_ROLE_WORDS = 8

_TITLE_END = re.compile(r"[.,;:]$")
_MAX_TITLE_WORDS = 20
_MAX_TITLE_CHARS = 100


def find_date(text: str) -> datetime | None:
    """Return the first date written in `text` as a UTC datetime, or None."""
    for match in _DATE.finditer(text):
        parsed = _to_datetime(match)
        if parsed is not None:
            return parsed
    return None


def parse_date(text: str) -> datetime | None:
    """Return `text` as a UTC datetime if it starts with a date, else None."""
    match = _DATE.match(text.strip())
    return _to_datetime(match) if match else None


def take_leading_date(lines: list[str]) -> tuple[datetime | None, list[str]]:
    """Find a "date ..." or "Published: ..." marker in the first lines; cut it, return its date."""
    for index, line in enumerate(lines[:_MARKER_SEARCH_LINES]):
        marker = _DATE_MARKER.match(line)
        if not marker:
            continue
        date = _DATE.match(line, marker.end())
        parsed = _to_datetime(date) if date else None
        if parsed is None:
            continue
        rest = line[date.end() :].lstrip(" ,.:|·•–—-").rstrip()
        return parsed, lines[:index] + ([rest] if rest else []) + lines[index + 1 :]
    return None, lines


def post_footer_title(line: str) -> str | None:
    """Return X from a newsletter footer "The post X appeared first on Y.", else None."""
    match = _POST_FOOTER.match(line)
    return match["title"].strip() if match else None


def parse_byline(line: str) -> str | None:
    """Return the author named by a byline ("By Jane Roe", "Jane Roe, Fellow, VIF"), else None."""
    match = _BY_LINE.match(line)
    if match is None:
        match = _ROLE_LINE.match(line)
        if match is None or len(match["role"].split()) > _MAX_ROLE_WORDS:
            return None
        if len(match["name"].split()) < 2:
            return None
    name = match["name"].strip()
    return name if len(name.split()) <= _MAX_NAME_WORDS else None


def take_title(lines: list[str], known: str | None) -> tuple[str, list[str]]:
    """Return the article's title and the lines left once a title line is taken off."""
    if known:
        if lines and comparable_words(lines[0]) == comparable_words(known):
            lines = lines[1:]
        return known, lines
    first = lines[0]
    if len(lines) > 1 and _is_title_line(first):
        return first, lines[1:]
    return shorten_title((split_sentences(first) or [first])[0]), lines


def take_byline(lines: list[str], known: str | None) -> tuple[str | None, list[str]]:
    """Return the author (known, or from a byline opening `lines`) and the remaining lines."""
    author = parse_byline(lines[0]) if lines else None
    if author is None:
        return known, lines
    return known or author, lines[1:]


def shorten_title(sentence: str) -> str:
    """Cut `sentence` to about 100 characters at a word boundary, marking the cut with "…"."""
    sentence = sentence.strip().rstrip(".")
    if len(sentence) <= _MAX_TITLE_CHARS:
        return sentence
    cut = sentence[: _MAX_TITLE_CHARS + 1].rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:–—-") + "…"


def _is_title_line(line: str) -> bool:
    return (
        len(line.split()) <= _MAX_TITLE_WORDS
        and len(line) <= 2 * _MAX_TITLE_CHARS
        and not _TITLE_END.search(line)
    )


def _to_datetime(match: re.Match[str]) -> datetime | None:
    try:
        if match["iso"]:
            parsed = datetime.fromisoformat(match["iso"])
            if parsed.tzinfo is None:
                return parsed.replace(tzinfo=UTC)
            return parsed.astimezone(UTC)
        month = match["m1"] or match["m2"]
        day = match["d1"] or match["d2"]
        year = match["y1"] or match["y2"]
        number = _MONTHS[month[:3].lower()]
        return datetime(int(year), number, int(day), tzinfo=UTC)
    except ValueError:
        return None
