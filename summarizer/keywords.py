"""Frequent subjects of a set of texts, to suggest topics a user can ask for.

A name is a capitalized word whose lower-case form never occurs in the texts and is no function
word (so "However" at the start of a sentence is not one, "Kazakhstan" is); runs of names form
one subject ("North Korea", "Xi Jinping"), ranked by how many texts name them, then how often.

What is not a subject: a word that only ever opens sentences ("Analysts said", "Later Putin
left": a common noun is capitalized there too), unless it names a country; forum interjections
(a letter three times in a row, "Ehhhh", "Sooo"; a repeated syllable, "Haha", "Hehe"; and
`INTERJECTIONS` such as "Lol"). The price: a name that every text puts first in its sentences
("Gazprom cut supplies.") is missed until one text names it inside a sentence.

Folding: a country's demonyms and other names count as the country, shown by its name
("Russian", "Russians" → russia; "Chinese" → china; "American" → united states), from the
countryinfo package (a demonym two countries share goes to the more populous); a people's name
that with "stan"/"istan" is a country counts as it ("Kazakhs" → kazakhstan, "Afghan" →
afghanistan); a hyphenated word of countries counts as each ("China-Russia",
"Russia-North-Korea"); a plural counts as its singular when the texts name that too
("Democrats" → democrat).

Cheap and model-free: it finds places, people and organisations, not abstract themes.
"""

from __future__ import annotations

import heapq
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache

from countryinfo import all_countries

_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
_MAX_RUN = 3
# Function words that start sentences often enough to pass for names in a small store.
_FUNCTION_WORDS = frozenset(
    "a an the and but or nor so yet if as at by for from in into of on onto to with without "
    "he she it they we you i his her its their our this that these those there here what when "
    "where which who why how after before while since though although however meanwhile "
    "still also even only just not no yes".split()
    # Calendar words are capitalized and never lower-case, yet no subject.
    + "monday tuesday wednesday thursday friday saturday sunday january february march april may "
    "june july august september october november december mr mrs ms dr".split()
)
# Chat abbreviations written in capitals, which no other rule here tells from an acronym.
INTERJECTIONS = frozenset("lol lmao lmfao rofl omg wtf imo imho btw fyi tbh smh ok okay".split())
_DRAWN_OUT = re.compile(r"(\w)\1\1|^(\w{1,3})\2+$")  # "ehhhh", "sooo"; "haha", "hehe"
_SENTENCE_END = ".!?…"
# What may stand between a sentence's end and its next word: "said.” Moreover", "(2020). The"
_BEFORE_WORD = " \t\r\"'“”‘’()[]*_-"


def subject_counts(texts: list[str], *, limit: int = 8) -> list[tuple[str, int]]:
    """The `limit` subjects named in the most texts, lower-cased and folded (see the module
    docstring), each with how many texts name it; a subject contained in a more widespread one
    ("korea" in "north korea") is left out."""
    return SubjectTally().counts(dict(enumerate(texts)), limit=limit)


class SubjectTally:
    """`subject_counts` of a set of texts, by id, that changes a little between calls (the
    articles of a moving period): each call gives exactly what `subject_counts` gives for the
    texts it is handed, and costs about what the texts that came and went since the last call
    cost, plus a pass over small per-text records.

    The rules are relative to the whole set: a word is a name when no text writes it in lower
    case, a sentence opener only when some text has it inside a sentence, a plural folds when a
    text names its singular. So the tally keeps, over the set, how many texts write each word in
    lower case, have it inside a sentence, name each subject (unfolded, and folded with how
    often); and per text its name runs and subjects with the part of the set-wide state they
    were worked out under. When a word starts or stops being written in lower case somewhere
    (or inside a sentence, or named), only the texts it touches are worked out again. One tally
    serves one collection of ids (e.g. one store's articles); calls may come from any thread.
    """

    def __init__(self) -> None:
        self._texts: dict[int, str] = {}
        self._records: dict[int, _TextSubjects] = {}
        self._lower: Counter[str] = Counter()  # word → texts writing it in lower case
        self._inside: Counter[str] = Counter()  # word → texts capitalizing it inside a sentence
        self._named: Counter[str] = Counter()  # subject before folding → texts naming it
        self._folds: dict[str, list[str]] = {}  # subject before folding → what it counts as
        self._naming: Counter[str] = Counter()  # subject → texts naming it
        self._mentions: Counter[str] = Counter()  # subject → times named
        self._lock = threading.Lock()

    def counts(self, texts: Mapping[int, str], *, limit: int = 8) -> list[tuple[str, int]]:
        """`subject_counts` of the values of `texts`. A text is expected never to change under
        its id; one that does is read as a new text."""
        with self._lock:
            self._update(texts)
            chosen: list[str] = []
            for subject in self._ranked():
                if len(chosen) == limit:
                    break
                if not any(f" {subject} " in f" {longer} " for longer in chosen):
                    chosen.append(subject)
            return [(subject, self._naming[subject]) for subject in chosen]

    def _ranked(self) -> Iterator[str]:
        """The subjects by how many texts name them, then how often, then alphabetically;
        sorted a few at a time (only the first ones are usually wanted)."""
        order = lambda s: (-self._naming[s], -self._mentions[s], s)  # noqa: E731
        taken = 0
        while taken < len(self._naming):
            wanted = max(4 * taken, 64)
            yield from heapq.nsmallest(wanted, self._naming, key=order)[taken:]
            taken = wanted

    def _update(self, texts: Mapping[int, str]) -> None:
        """Bring the counts to `texts`: uncount the texts that went, count the ones that came,
        and work out again what the change of the set-wide state touches."""
        gone = [i for i, text in self._texts.items() if texts.get(i) != text]
        came = [i for i in texts if i not in self._texts or i in gone]
        # what is now first, or no more, written in lower case / inside a sentence / named
        flipped, inside_flipped, named_flipped = set(), set(), set()
        for i in gone:
            self._uncount(self._records.pop(i), inside_flipped, named_flipped, runs=True)
            _tally(self._lower, _lower_words(self._texts.pop(i)), -1, flipped)
        for i in came:
            self._texts[i] = texts[i]
            _tally(self._lower, _lower_words(texts[i]), 1, flipped)
            self._records[i] = _TextSubjects(texts[i])
        reread = self._touched(came, lambda r: not flipped.isdisjoint(r.capitals), flipped)
        for i in reread:
            record = self._records[i]
            self._uncount(record, inside_flipped, named_flipped, runs=True)
            record.read_runs(self._texts[i], self._lower)
            _tally(self._inside, record.inside, 1, inside_flipped)
        renamed = self._touched(
            reread, lambda r: not inside_flipped.isdisjoint(r.openers), inside_flipped
        )
        for i in renamed:
            record = self._records[i]
            self._uncount(record, inside_flipped, named_flipped)
            record.name(self._inside)
            _tally(self._named, record.names, 1, named_flipped)
        refolded = self._refold(named_flipped)
        for i in self._touched(renamed, lambda r: not refolded.isdisjoint(r.names), refolded):
            record = self._records[i]
            self._uncount(record, inside_flipped, named_flipped, names=False)
            record.folded = [f for subject in record.names for f in self._folds[subject]]
            _tally(self._naming, set(record.folded), 1)
            _tally(self._mentions, record.folded, 1)

    def _touched(
        self, fresh: list[int], touches: Callable[[_TextSubjects], bool], flipped: set[str]
    ) -> list[int]:
        """`fresh` and the ids of the other texts whose record `touches` what `flipped` holds
        (none to look for when it is empty)."""
        if not flipped:
            return fresh
        known = set(fresh)
        return fresh + [i for i, r in self._records.items() if i not in known and touches(r)]

    def _refold(self, flipped: set[str]) -> set[str]:
        """Fold again the subjects now first, or no more, named, and those whose singular is
        one of them; the subjects whose fold changed."""
        touched = {form for subject in flipped for form in (subject, subject + "s", subject + "es")}
        changed = set()
        for subject in touched:
            fold = _fold(subject, self._named) if subject in self._named else None
            if fold != self._folds.get(subject):
                changed.add(subject)
                if fold is None:
                    del self._folds[subject]
                else:
                    self._folds[subject] = fold
        return changed

    def _uncount(
        self,
        record: _TextSubjects,
        inside_flipped: set[str],
        named_flipped: set[str],
        *,
        runs: bool = False,
        names: bool = True,
    ) -> None:
        """Take what `record` counted out of the counts: its subjects, with `names` its
        subjects before folding, with `runs` also its words inside sentences; what is no more
        inside a sentence or named anywhere is added to `inside_flipped` / `named_flipped`."""
        if record.folded is not None:
            _tally(self._naming, set(record.folded), -1)
            _tally(self._mentions, record.folded, -1)
            record.folded = None
        if names and record.names is not None:
            _tally(self._named, record.names, -1, named_flipped)
            record.names = None
        if runs and record.runs is not None:
            _tally(self._inside, record.inside, -1, inside_flipped)
            record.runs = None


class _TextSubjects:
    """What one text names (None: not worked out under the set's current state)."""

    __slots__ = ("capitals", "runs", "inside", "openers", "names", "folded")

    def __init__(self, text: str) -> None:
        # its capitalized words: whether each is written in lower case anywhere decides its runs
        self.capitals = frozenset(
            word
            for raw in _WORD.findall(text)
            if raw[0].isupper() and len(word := _POSSESSIVE.sub("", raw).lower()) > 1
        )
        self.runs: list[tuple[list[str], bool]] | None = None
        self.names: list[str] | None = None
        self.folded: list[str] | None = None

    def read_runs(self, text: str, lower_words: Counter[str]) -> None:
        """Its name runs (`_name_runs`), the words they capitalize where no sentence starts,
        and the first words of those opening a sentence."""
        self.runs = _name_runs(text, lower_words)
        self.inside = frozenset(w for run, opens in self.runs for w in run[1 if opens else 0 :])
        self.openers = frozenset(run[0] for run, opens in self.runs if opens)

    def name(self, inside: Counter[str]) -> None:
        """Its subjects before folding: its runs, but a sentence-opening first word that no
        text has `inside` a sentence (maybe a common noun) dropped."""
        found = (
            " ".join(run[1:] if opens and _common(run, inside) else run) for run, opens in self.runs
        )
        self.names = [subject for subject in found if subject]


def _tally(
    counter: Counter[str], items: Iterable[str], sign: int, flipped: set[str] | None = None
) -> None:
    """Add `sign` to the count of each of `items`, dropping counts that reach 0, and note in
    `flipped` the items that appeared or disappeared."""
    for item in items:
        count = counter[item] + sign
        if count:
            counter[item] = count
        else:
            del counter[item]
        if flipped is not None and count in (0, 1) and (count == 1) == (sign > 0):
            flipped.add(item)


def _lower_words(text: str) -> set[str]:
    """The words `text` writes in lower case."""
    return {word for word in _WORD.findall(text) if word.islower()}


@lru_cache(maxsize=1)
def country_names() -> dict[str, str]:
    """Lower-case country names, demonyms and other spellings (no codes) → the country's name,
    lower-case. Read once (about 0.3 s: the package's files hold each country's borders too)."""
    countries = sorted(all_countries(), key=lambda c: c.population() or 0)
    official = {c.name().lower() for c in countries}
    names = {name: name for name in official}
    for country in countries:  # the more populous last, so a shared demonym goes to it
        others = (country.demonym() or "").split(",") + list(country.alt_spellings() or [])
        for other in (o.strip() for o in others):
            spelled_out = re.fullmatch(r"[A-Za-z][A-Za-z .'-]+", other) and not other.isupper()
            if spelled_out and other.lower() not in official:
                names[other.lower()] = country.name().lower()
    return names


def _common(run: list[str], inside: set[str]) -> bool:
    """Is the first word of `run`, opening a sentence, maybe a common noun: no text has it
    inside a sentence, and the run names no country?"""
    return run[0] not in inside and not _countries(run)


def _fold(subject: str, named: set[str]) -> list[str]:
    """What `subject` counts as: its countries ("china-russia": china and russia), else its
    singular when the texts name that, else itself."""
    singulars = _singulars(subject)
    return _countries(subject.split()) or [
        next((form for form in singulars if form in named), subject)
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
    countries = country_names()
    subject = " ".join(run)
    for form in [subject, *_singulars(subject)]:
        suffixes = ("", "stan", "istan") if len(run) == 1 else ("",)
        for country in (form + suffix for suffix in suffixes):
            if country in countries:
                return countries[country]
    return None


def _singulars(subject: str) -> list[str]:
    """`subject` without a plural ending, each way it could be written ("churches": churche,
    church); none when it has no "s" ending."""
    return [subject[: -len(end)] for end in ("s", "es") if subject.endswith(end)]


def _name_runs(text: str, lower_words: set[str]) -> list[tuple[list[str], bool]]:
    """The runs of names in `text`, in order, lower-cased, each with whether its first word
    opens a sentence (where a common noun is capitalized too). A run ends at a country's
    possessive ("Russia's President"); a capitalized word written in lower case elsewhere
    continues one when together they name a country ("United States")."""
    runs: list[tuple[list[str], bool]] = []
    run: list[str] = []
    opens = False
    run_end = 0
    for match in _WORD.finditer(text):
        raw = match.group()
        if not raw[0].isupper():  # most words: they end a run and start none
            if run:
                runs.append((run, opens))
                run = []
            continue
        word = _POSSESSIVE.sub("", raw).lower()
        capitalized = len(word) > 1
        is_name = (
            capitalized
            and word not in lower_words
            and word not in _FUNCTION_WORDS
            and word not in INTERJECTIONS
            and not _DRAWN_OUT.search(word)
        )
        continues = run and text[run_end : match.start()] == " " and len(run) < _MAX_RUN
        if continues and (is_name or (capitalized and _country([*run, word]))):
            run.append(word)
        else:
            if run:
                runs.append((run, opens))
            run = [word] if is_name else []
            opens = is_name and _opens_sentence(text, match.start())
        # After a country's possessive no run goes on (-1): "Russia's President".
        possessive = word != raw.lower()
        run_end = -1 if possessive and _country(run) else match.end()
    if run:
        runs.append((run, opens))
    return runs


def _opens_sentence(text: str, start: int) -> bool:
    """Does the word at `start` open the text, a line or a sentence?"""
    before = start
    while before and text[before - 1] in _BEFORE_WORD:
        before -= 1
    return not before or text[before - 1] in _SENTENCE_END or text[before - 1] == "\n"
