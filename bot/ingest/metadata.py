"""Title, author and date found in the text itself.

Dates: ISO ("2024-11-03", with optional time and offset) or written out ("April 12, 2024",
"12 Apr 2024"); a date without a zone is taken as midnight UTC. A leading marker ("date
2024-11-03", "Date: ...", "Published: ...", and their German, French, Spanish, Italian and
Chinese forms: "Datum: 3. November 2024", "Publié le 3 novembre 2024", "发布时间：2024年11月3日")
in the first lines gives the published date and is removed. A date that is not English is read
by `dateparser` (German, French, Spanish, Italian, Dutch, Portuguese, Russian, Polish, Chinese;
day before month in "3.11.2024"), in a marker's line and in a page's metadata date; English dates
keep the rule above, so they read as before.

Titles, best first: one already known (HTML metadata, an issue's heading), a newsletter's own
footer ("The post X appeared first on Y."), a short first line without a
final period, else the first sentence cut to about 100 characters at a word boundary. A byline
right after the title ("By Jane Roe", "Dr Jane Roe, Fellow, Institute") gives the author.
Limits: a date without a marker is found in an issue's preamble only when written in English;
a bare name line without "By" or a role is not a byline.
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
    r"^(?:date[d]?|published(?:\s+on)?|posted(?:\s+on)?|updated(?:\s+on)?"
    r"|datum|veröffentlicht(?:\s+am)?|aktualisiert(?:\s+am)?|erschienen(?:\s+am)?"
    r"|publié(?:\s+le)?|mis\s+à\s+jour(?:\s+le)?|date\s+de\s+publication"
    r"|publicado(?:\s+el)?|fecha|pubblicato(?:\s+il)?|data"
    r"|发布时间|发布日期|发表时间|日期|更新时间)\s*[:：\-–—]?\s*",
    re.IGNORECASE,
)
# A date written in another language, for dateparser to read: "3. November 2024",
# "3 novembre 2024", "4 de noviembre de 2024", "12 мая 2024", "3.11.2024", "2024年11月3日".
_OTHER_DATE = re.compile(
    r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
    r"|\d{1,2}\.\s*\d{1,2}\.\s*\d{4}"
    r"|\d{1,2}\.?\s+(?:de\s+)?[^\W\d_]{3,}\.?\s+(?:de\s+)?\d{4}"
)
# Named so that dateparser does not try each of its 200 languages on a string that is no date.
_DATE_LANGUAGES = ["de", "fr", "es", "it", "nl", "pt", "ru", "pl", "zh"]
_DATEPARSER_SETTINGS = {
    "TIMEZONE": "UTC",
    "RETURN_AS_TIMEZONE_AWARE": True,
    "DATE_ORDER": "DMY",
    "REQUIRE_PARTS": ["day", "month", "year"],
}
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
    """Return `text` as a UTC datetime if it starts with a date (in English or another
    language), else None."""
    found = _date_at(text.strip(), 0)
    return found[0] if found else None


def take_leading_date(lines: list[str]) -> tuple[datetime | None, list[str]]:
    """Find a "date ..." or "Published: ..." marker in the first lines; cut it, return its date."""
    for index, line in enumerate(lines[:_MARKER_SEARCH_LINES]):
        marker = _DATE_MARKER.match(line)
        found = _date_at(line, marker.end()) if marker else None
        if found is None:
            continue
        parsed, end = found
        rest = line[end:].lstrip(" ,.:|·•–—-").rstrip()
        return parsed, lines[:index] + ([rest] if rest else []) + lines[index + 1 :]
    return None, lines


def _date_at(text: str, start: int) -> tuple[datetime, int] | None:
    """The date written at `start` of `text` and where it ends: English by `_DATE`, else another
    language's by dateparser; None when there is none."""
    match = _DATE.match(text, start)
    parsed = _to_datetime(match) if match else None
    if parsed is None:
        match = _OTHER_DATE.match(text, start)
        parsed = _read_other_date(match.group()) if match else None
    return (parsed, match.end()) if parsed else None


def _read_other_date(text: str) -> datetime | None:
    import dateparser  # imported on first use: it loads for a fifth of a second

    parsed = dateparser.parse(text, languages=_DATE_LANGUAGES, settings=_DATEPARSER_SETTINGS)
    return parsed.astimezone(UTC) if parsed else None


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
