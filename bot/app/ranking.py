"""A digest's articles in order, most relevant first, then most recent (`ranked`), and its items
made only as they are read (`RankedItems`).

A broad topic matches 20,000 of 100,000 articles and a page shows ten: ordering them took
~35 ms, reading all their summaries and making an item each ~50 ms more, on every /digest. The
order of the last topics is kept per store and reused while the topic's matches and the
period's articles are the same; items are made (their summaries read in one go) per slice.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import overload

import numpy as np

from bot.core.domain import DigestItem, StoredArticle
from bot.store import Store
from summarizer.topics.decision import TopicMatch

RANKED_TOPICS = 16  # orders kept per store: the next page, a repeated topic
ITEMS_PER_READ = 200  # items made at a time when a digest is read through

# Reads the summaries of these article ids (None for one without).
ReadSummaries = Callable[[list[int]], dict[int, str | None]]


@dataclass(frozen=True)
class _Ranking:
    """Of `matches` among the period's `articles`: the matched articles in order, with their
    relevances."""

    matches: list[TopicMatch]
    articles: list[StoredArticle]
    ordered: list[StoredArticle]
    relevance: list[float]


# Per store, the rankings of the last topics asked.
_RANKINGS: weakref.WeakKeyDictionary[Store, OrderedDict[object, _Ranking]] = (
    weakref.WeakKeyDictionary()
)
_LOCK = threading.Lock()


def ranked(
    store: Store, key: object, articles: list[StoredArticle], matches: list[TopicMatch]
) -> tuple[list[StoredArticle], list[float]]:
    """The articles of `matches` (among the period's `articles`), most relevant (to two decimals)
    first, then most recent, with their relevances. Kept under `key` (the topic asked) per
    store, and reused while the matches and the articles are the same (the lists compare their
    items by identity first: a millisecond for 100,000)."""
    with _LOCK:
        kept = _RANKINGS.setdefault(store, OrderedDict()).get(key)
    if kept is not None and kept.matches == matches and kept.articles == articles:
        return kept.ordered, kept.relevance
    by_id = {a.id: a for a in articles}
    found = [by_id[m.id] for m in matches]
    # One stable sort of arrays, not a key tuple per article.
    relevance = np.array([-round(m.relevance, 2) for m in matches], dtype=np.float64)
    dated = np.array([-a.dated.timestamp() for a in found], dtype=np.float64)
    order = np.lexsort((dated, relevance)).tolist()
    ranking = _Ranking(
        matches, articles, [found[k] for k in order], [matches[k].relevance for k in order]
    )
    with _LOCK:
        rankings = _RANKINGS.setdefault(store, OrderedDict())
        rankings[key] = ranking
        rankings.move_to_end(key)
        while len(rankings) > RANKED_TOPICS:
            rankings.popitem(last=False)
    return ranking.ordered, ranking.relevance


class RankedItems(Sequence[DigestItem]):
    """A digest's items in their order, each made (with its summary) when it is read: a slice's
    summaries are read in one go, and reading them all goes `ITEMS_PER_READ` at a time. Equal
    to any sequence of the same items."""

    def __init__(
        self, articles: list[StoredArticle], relevance: list[float], summaries: ReadSummaries
    ) -> None:
        self._articles, self._relevance, self._summaries = articles, relevance, summaries

    def __len__(self) -> int:
        return len(self._articles)

    @overload
    def __getitem__(self, index: int) -> DigestItem: ...

    @overload
    def __getitem__(self, index: slice) -> list[DigestItem]: ...

    def __getitem__(self, index: int | slice) -> DigestItem | list[DigestItem]:
        if isinstance(index, slice):
            return self._made(range(len(self))[index])
        return self._made(range(len(self))[index : index + 1 or None])[0]

    def __iter__(self) -> Iterator[DigestItem]:
        for start in range(0, len(self), ITEMS_PER_READ):
            yield from self[start : start + ITEMS_PER_READ]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RankedItems({list(islice(self, 3))!r}{'...' if len(self) > 3 else ''})"

    def _made(self, rows: range) -> list[DigestItem]:
        articles = [self._articles[row] for row in rows]
        summaries = self._summaries([a.id for a in articles])
        return [
            DigestItem(a, summaries.get(a.id), self._relevance[row])
            for a, row in zip(articles, rows, strict=True)
        ]
