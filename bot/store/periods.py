"""The articles of a period, carried from the last period asked to the next.

/digest asks for the last days up to now again and again: at 100,000 articles, reading the
period's ids and building its list of articles took 85 ms a call (55–80 ms of it SQLite's).
A `CarriedPeriod` keeps the ids and articles of the last period it read and, when the next one
begins and ends no earlier, asks the database only what changed, in one transaction (4 ms):
the ids that left it (dated before its new start), that entered it (dated after its old end),
the ids stored since (above the largest id seen), the articles given a source since (read
again, by whichever process), and whether any row seen is gone (`_tables`): the table's count
must be the old one plus the new rows', and the row of the largest id seen must still be the
one seen (same arrival time). Anything else (a deletion, an id reused after one, an earlier
period) reads the period anew, as before. The articles kept are carried in their order.

Exact, because stored articles never change but for their sources: the rows of ids up to the
largest seen are the rows seen unless one was deleted (the count tells) or its id given to a
new row (SQLite does that only once the largest row is deleted: that row tells). (The memory
of articles by id, bot.store.cache, cannot tell an id SQLite reused for an article another
process stored from the article it read before under that id; the ids are right.)
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import compress
from typing import Any

import numpy as np
from sqlalchemy import and_, func, literal, select
from sqlalchemy.orm import Session

from bot.core.domain import StoredArticle
from bot.store.database import Database
from bot.store.rows import ArticleRow, ArticleSourceRow

# Reads the articles of these ids still stored (from memory, or from the database: those in the
# second argument always, their sources having changed).
LoadArticles = Callable[[list[int], set[int]], dict[int, StoredArticle]]


@dataclass(frozen=True)
class _Tables:
    """The articles table as it stood when a period was read: its row count, sum of ids (on
    PostgreSQL: `_id_sum`), largest id and that row's arrival time, and the largest id of the
    articles' sources."""

    count: int
    id_sum: int
    top: int
    top_received: datetime | None
    top_source: int


@dataclass(frozen=True)
class _Read:
    """A period as read: its bounds, ids (ascending), articles in that order, and the tables."""

    since: datetime
    until: datetime
    ids: np.ndarray
    articles: list[StoredArticle]
    tables: _Tables


class CarriedPeriod:
    """The articles whose `column` lies in a period (from `since`, included when
    `start_included`, to `until` included), carried from the last period asked."""

    def __init__(self, db: Database, column: Any, *, start_included: bool, load: LoadArticles):
        self._db, self._column, self._start_included, self._load = db, column, start_included, load
        self._last: _Read | None = None
        self._lock = threading.Lock()

    def articles(self, since: datetime, until: datetime) -> list[StoredArticle]:
        """The period's articles, by id."""
        with self._lock:
            last = self._last
            if last is None or since < last.since or until < last.until:
                read = self._read_anew(since, until)
            else:
                read = self._db.run(lambda s: self._carried(s, last, since, until))
                read = read or self._read_anew(since, until)
            self._last = read
            return list(read.articles)

    def forget(self) -> None:
        """Read the next period anew (articles were deleted by this process)."""
        with self._lock:
            self._last = None

    def _read_anew(self, since: datetime, until: datetime) -> _Read:
        def work(session: Session) -> tuple[list[int], _Tables]:
            query = select(ArticleRow.id).where(*self._within(since, until))
            ids = list(session.connection().execute(query.order_by(ArticleRow.id)).scalars())
            return ids, self._tables(session, None)[0]

        ids, tables = self._db.run(work)
        loaded = self._load(ids, set())
        ids = [i for i in ids if i in loaded]
        return _Read(since, until, np.array(ids, np.int64), [loaded[i] for i in ids], tables)

    def _carried(
        self, session: Session, last: _Read, since: datetime, until: datetime
    ) -> _Read | None:
        """The period carried from `last` (see the module docstring); None when it cannot be."""
        row, column, seen = ArticleRow.id, self._column, last.tables
        connection = session.connection()
        tables, unchanged = self._tables(session, seen)
        if not unchanged:
            return None
        left = last.ids.tolist()  # all of it when the new period starts after the last one's end
        if since <= last.until:
            old = (row <= seen.top, self._starts(last.since), self._before(since))
            left = list(connection.execute(select(row).where(*old)).scalars())
        entered = connection.execute(
            select(row).where(row <= seen.top, column > last.until, *self._within(since, until))
        )
        # (the period as a flag, not a condition: SQLite would walk the period's date index)
        inside = and_(*self._within(since, until))
        new = connection.execute(select(row, inside).where(row > seen.top))
        added = [*entered.scalars(), *(i for i, within in new if within)]
        sourced = connection.execute(
            select(ArticleSourceRow.article_id).where(ArticleSourceRow.id > seen.top_source)
        )
        now = _Read(since, until, last.ids, [], tables)
        return self._moved(last, now, left, added, set(sourced.scalars()))

    def _moved(
        self, last: _Read, now: _Read, left: list[int], added: list[int], sourced: set[int]
    ) -> _Read:
        """The articles of `last` but the ids `left`, with the ids `added`, in the period and
        tables of `now`; those given a source since (`sourced`) read again."""
        if not (left or added or sourced):
            return replace(now, articles=last.articles)
        kept = ~np.isin(last.ids, np.array(left, np.int64))
        ids, articles = last.ids[kept], list(compress(last.articles, kept.tolist()))
        changed = ids[np.isin(ids, np.fromiter(sourced, np.int64))].tolist()
        loaded = self._load(sorted({*added, *changed}), sourced)
        for article_id in changed:
            if article_id in loaded:
                articles[int(np.searchsorted(ids, article_id))] = loaded[article_id]
        fresh = sorted(i for i in added if i in loaded)
        if fresh and len(ids) and fresh[0] < ids[-1]:  # an older article entered: merge
            by_id = dict(zip(ids.tolist(), articles, strict=True)) | {i: loaded[i] for i in fresh}
            ids = np.array(sorted(by_id), np.int64)
            articles = [by_id[i] for i in ids.tolist()]
        else:
            ids = np.concatenate([ids, np.array(fresh, np.int64)])
            articles += [loaded[i] for i in fresh]
        return replace(now, ids=ids, articles=articles)

    def _tables(self, session: Session, seen: _Tables | None) -> tuple[_Tables, bool]:
        """The tables now, in one statement, and whether the rows `seen` (ids up to its largest)
        are all still there: none deleted, none added below the largest, and the largest the
        same row (same arrival time)."""

        def value(query) -> Any:
            return query.scalar_subquery()

        row, top = ArticleRow.id, seen.top if seen else 0
        largest = value(select(func.coalesce(func.max(row), 0)))
        now = session.execute(
            select(
                value(select(func.count()).select_from(ArticleRow)),
                self._id_sum(),
                largest,
                value(select(ArticleRow.received_at).where(row == largest)),
                value(select(func.coalesce(func.max(ArticleSourceRow.id), 0))),
                value(select(func.count()).where(row > top)),
                self._id_sum(row > top),
                value(select(ArticleRow.received_at).where(row == top)),
            )
        ).one()
        tables = _Tables(*now[:5])
        if seen is None:
            return tables, False
        added, added_sum, top_received = now[5:]
        expected = (seen.count + added, seen.id_sum + added_sum)
        unchanged = expected == (tables.count, tables.id_sum) and top_received == seen.top_received
        return tables, unchanged

    def _id_sum(self, *conditions) -> Any:
        """The sum of the ids of the rows meeting `conditions`, on PostgreSQL; 0 on SQLite.
        SQLite writes one transaction at a time and gives a new row an id above every other
        (or, after the largest row was deleted, its id: `_tables` checks that row), so rows of
        ids up to the largest seen are only ever deleted, and the count tells. A PostgreSQL
        transaction may commit a row below the largest id seen (it took its id from the
        sequence earlier): the count alone would not tell that from a deletion."""
        if self._db.dialect == "sqlite":
            return literal(0)
        return (
            select(func.coalesce(func.sum(ArticleRow.id), 0)).where(*conditions).scalar_subquery()
        )

    def _within(self, since: datetime, until: datetime) -> tuple:
        """The conditions of lying in the period [since, until]."""
        return self._starts(since), self._column <= until

    def _starts(self, since: datetime) -> Any:
        """The condition of lying at or after the start `since` (after, when it is excluded)."""
        return self._column >= since if self._start_included else self._column > since

    def _before(self, since: datetime) -> Any:
        """The condition of lying before a period starting at `since`."""
        return self._column < since if self._start_included else self._column <= since
