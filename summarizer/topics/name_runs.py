"""Names in running text: runs of capitalized words, and what each run counts as.

A name is a capitalized word whose lower-case form never occurs in the texts and is no function
word (so "However" at the start of a sentence is not one, "Kazakhstan" is); runs of names form
one subject ("North Korea", "Xi Jinping").

What is not a name: a word that only ever opens sentences ("Analysts said", "Later Putin left":
a common noun is capitalized there too), unless it names a country; a function word, also
contracted ("I'm", "We've"); a company's legal form ("Inc", "Corp", "Ltd"); forum interjections
(a letter three times in a row, "Ehhhh", "Sooo"; a repeated syllable, "Haha", "Hehe"; and
`INTERJECTIONS` such as "Lol"). The price: a name that every text puts first in its sentences
("Gazprom cut supplies.") is missed until one text names it inside a sentence.

Folding: a country's names count as the country, shown by its name ("Russian", "Russians" →
russia; "Chinese" → china; "American", "US" → united states), by the rules topic matching
reads countries with (`summarizer.topics.countries`); a people's name that with "stan"/"istan"
is a country counts as it ("Kazakhs" → kazakhstan, "Afghan" → afghanistan); a hyphenated word
of countries counts as each ("China-Russia", "Russia-North-Korea"); a plural counts as its
singular when the texts name that too ("Democrats" → democrat); an international
organisation's abbreviation and full name count as one subject (`summarizer.topics.organisations`:
"UN", "United Nations" → united nations). A name counts without its
letters' diacritics, as topics are matched (`summarizer.folding`): "Erdoğan" and "Erdogan" are
one subject, erdogan.
"""

from __future__ import annotations

import re
from collections.abc import Container

from summarizer.folding import fold_diacritics
from summarizer.topics.countries import countries_by_name
from summarizer.topics.names import FUNCTION_WORDS, capitalized_next, in_title_case
from summarizer.topics.organisations import organisation_subjects

# A word, or an abbreviation written with dots ("U.S."), a word of its own.
_WORD = re.compile(r"(?:[A-Z]\.){2,}|[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_MAX_RUN = 3
# Words that open sentences often enough to pass for names in a small store: the function words
# (`summarizer.topics.names.FUNCTION_WORDS`) and sentence adverbs; and the calendar's words and
# forms of address, capitalized and never lower-case, yet no subject.
_NOT_NAMES = FUNCTION_WORDS | frozenset(
    "onto without yet since though although however meanwhile still also even yes "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december mr mrs ms dr".split()
)
# A company's legal form, written after its name ("Texaco Inc", "Cargill, Inc."): part of no
# subject, else every wire story's "Inc" and "Corp" lead the list.
_COMPANY_FORMS = frozenset("inc corp co ltd plc llc gmbh".split())
# Words written in lower case elsewhere that open a place's name when a name follows: "New York",
# "New Delhi" (not "york", "delhi").
_PLACE_OPENERS = frozenset({"new"})
# A contraction's ending: "I'm" is "I", so a function word, though no text writes it in lower case.
_CONTRACTION = re.compile(r"['’](?:m|re|ve|ll|d|s|t)$")
# Chat abbreviations written in capitals, which no other rule here tells from an acronym.
INTERJECTIONS = frozenset("lol lmao lmfao rofl omg wtf imo imho btw fyi tbh smh ok okay".split())
_DRAWN_OUT = re.compile(r"(\w)\1\1|^(\w{1,3})\2+$")  # "ehhhh", "sooo"; "haha", "hehe"
_SENTENCE_END = ".!?…"
# What may stand between a sentence's end and its next word: "said.” Moreover", "(2020). The"
_BEFORE_WORD = " \t\r\"'“”‘’()[]*_-"


def capitalized_words(text: str) -> frozenset[str]:
    """The capitalized words of `text`, lower-cased, without a possessive ending: whether each
    is written in lower case anywhere decides its runs (`name_runs`)."""
    return frozenset(
        word
        for raw in _WORD.findall(fold_diacritics(text))
        if raw[0].isupper() and len(word := _bare(raw)) > 1
    )


def _bare(raw: str) -> str:
    """A word as subjects count it: lower case, without a possessive ending or dots."""
    return _POSSESSIVE.sub("", raw).replace(".", "").lower()


def lower_words(text: str) -> set[str]:
    """The words `text` writes in lower case."""
    return {word for word in _WORD.findall(fold_diacritics(text)) if word.islower()}


def opens_as_common_noun(run: list[str], inside: Container[str]) -> bool:
    """Is the first word of `run`, opening a sentence, maybe a common noun: no text has it
    inside a sentence, and the run names no country?"""
    return run[0] not in inside and not _countries(run)


def fold(subject: str, named: Container[str]) -> list[str]:
    """What `subject` counts as: its countries ("china-russia": china and russia), else the
    international organisation it names (`organisation_subjects`: "un", "united nations":
    united nations), else its singular when the texts name that, else itself."""
    if organisation := organisation_subjects().get(subject):
        return [organisation]
    return _countries(subject.split()) or [
        next((form for form in _singulars(subject) if form in named), subject)
    ]


def _countries(run: list[str]) -> list[str]:
    """The countries the words `run` name (`_country`); a single hyphenated word names several
    when each of its parts does ("russia-north-korea"). Empty when they name none."""
    if country := _country(run):
        return [country]
    if len(run) > 1 or "-" not in run[0]:
        return []
    parts = run[0].split("-")
    for size in range(min(_MAX_RUN, len(parts)), 0, -1):
        if first := _country(parts[:size]):
            rest = _countries(["-".join(parts[size:])]) if parts[size:] else []
            if rest or size == len(parts):
                return [first, *rest]
    return []


def _country(run: list[str]) -> str | None:
    """The country the words `run` name, also as a plural, a demonym or a people whose name
    with "stan" or "istan" is the country's; None when they name none."""
    countries = countries_by_name()
    subject = " ".join(run)
    for form in [subject, *_singulars(subject)]:
        suffixes = ("", "stan", "istan") if len(run) == 1 else ("",)
        for name in (form + suffix for suffix in suffixes):
            if name in countries:
                return countries[name].name
    return None


def _singulars(subject: str) -> list[str]:
    """`subject` without a plural ending, each way it could be written ("churches": churche,
    church); none when it has no "s" ending."""
    return [subject[: -len(end)] for end in ("s", "es") if subject.endswith(end)]


def name_runs(text: str, lower_words: Container[str]) -> list[tuple[list[str], bool]]:
    """The runs of names in `text`, in order, lower-cased, each with whether its first word
    opens a sentence (where a common noun is capitalized too). A country's abbreviation written
    with dots is a run of its own ("U.S. officials": us), another none ("D.C."); a run ends at a
    country's possessive ("Russia's President"); a capitalized word written in lower case
    elsewhere continues one when together they name a country ("United States"), and "New"
    opens one when a name follows ("New York"); a capitalized common word ends one as part of
    the name (`_completes_name`: "Islamic State", "Premier League")."""
    text = fold_diacritics(text)  # the same length: offsets hold
    runs: list[tuple[list[str], bool]] = []
    run: list[str] = []
    opens = False
    run_end = 0
    opener: tuple[str, int, int] | None = None  # a place opener just read: word, end, start
    for match in _WORD.finditer(text):
        raw = match.group()
        if not raw[0].isupper():  # most words: they end a run and start none
            if run:
                runs.append((run, opens))
                run = []
            continue
        word = _bare(raw)
        if raw.endswith("."):  # "U.S.": a country of its own, though "us" is a word; "D.C." none
            runs += [(run, opens)] if run else []
            runs += [([word], _opens_sentence(text, match.start()))] if _country([word]) else []
            run, opener, run_end = [], None, match.end()
            continue
        capitalized = len(word) > 1
        is_name = capitalized and _is_name(word, lower_words)
        continues = run and text[run_end : match.start()] == " " and len(run) < _MAX_RUN
        if continues and (
            is_name
            or (capitalized and _country([*run, word]))
            or (capitalized and _completes_name(text, match, run))
        ):
            run.append(word)
        elif is_name and opener and text[opener[1] : match.start()] == " ":
            run, opens = [opener[0], word], _opens_sentence(text, opener[2])
        else:
            if run:
                runs.append((run, opens))
            run = [word] if is_name else []
            opens = is_name and _opens_sentence(text, match.start())
        opener = (word, match.end(), match.start()) if word in _PLACE_OPENERS else None
        # After a country's possessive no run goes on (-1): "Russia's President".
        possessive = word != raw.lower()
        run_end = -1 if possessive and _country(run) else match.end()
    if run:
        runs.append((run, opens))
    return runs


def _is_name(word: str, lower_words: Container[str]) -> bool:
    """Is the capitalized `word` (lower-cased) a name: never written in lower case, and no
    function word, interjection or company's legal form?"""
    return (
        word not in lower_words
        and _CONTRACTION.sub("", word) not in _NOT_NAMES
        and word not in INTERJECTIONS
        and word not in _COMPANY_FORMS
        and not _DRAWN_OUT.search(word)
    )


def _completes_name(text: str, match: re.Match[str], run: list[str]) -> bool:
    """Does the capitalized word `match`, written in lower case elsewhere, end the `run` of names
    before it as part of the name? The writer capitalized it for that ("Islamic State",
    "Premier League", "Soviet Union", "Manchester City", though "state", "league", "union" and
    "city" are common words). Not a function word; not after a country, nor before another
    capitalized word, where it is a title ("German Chancellor said", "FBI Director James
    Comey"); not in a line written in Title Case or capitals, where every word is capitalized."""
    return (
        _is_name(match.group().lower(), ())
        and not _country(run)
        and not capitalized_next(text, match.end())
        and not in_title_case(text, match.start())
    )


def _opens_sentence(text: str, start: int) -> bool:
    """Does the word at `start` open the text, a line or a sentence?"""
    before = start
    while before and text[before - 1] in _BEFORE_WORD:
        before -= 1
    return not before or text[before - 1] in _SENTENCE_END or text[before - 1] == "\n"
