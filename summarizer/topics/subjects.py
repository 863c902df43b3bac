"""Frequent subjects of a set of texts, to suggest topics a user can ask for.

A subject is a run of names (`summarizer.topics.name_runs`: what a name is, what is not one,
and how a run folds into its country or singular), ranked by how many texts name it, then how
often. Cheap and model-free: it finds places, people and organisations, not abstract themes.
"""

from __future__ import annotations

import heapq
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping

from summarizer.topics.name_runs import (
    capitalized_words,
    fold,
    lower_words,
    name_runs,
    opens_as_common_noun,
)


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
            _tally(self._lower, lower_words(self._texts.pop(i)), -1, flipped)
        for i in came:
            self._texts[i] = texts[i]
            _tally(self._lower, lower_words(texts[i]), 1, flipped)
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
            counts_as = fold(subject, self._named) if subject in self._named else None
            if counts_as != self._folds.get(subject):
                changed.add(subject)
                if counts_as is None:
                    del self._folds[subject]
                else:
                    self._folds[subject] = counts_as
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
        self.capitals = capitalized_words(text)
        self.runs: list[tuple[list[str], bool]] | None = None
        self.names: list[str] | None = None
        self.folded: list[str] | None = None

    def read_runs(self, text: str, lower_words: Counter[str]) -> None:
        """Its name runs (`name_runs`), the words they capitalize where no sentence starts,
        and the first words of those opening a sentence."""
        self.runs = name_runs(text, lower_words)
        self.inside = frozenset(w for run, opens in self.runs for w in run[1 if opens else 0 :])
        self.openers = frozenset(run[0] for run, opens in self.runs if opens)

    def name(self, inside: Counter[str]) -> None:
        """Its subjects before folding: its runs, but a sentence-opening first word that no
        text has `inside` a sentence (maybe a common noun) dropped."""
        found = (
            " ".join(run[1:] if opens and opens_as_common_noun(run, inside) else run)
            for run, opens in self.runs
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
