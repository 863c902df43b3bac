"""Storage: the only package that imports SQLAlchemy; hands out bot.core.domain values.

`open_store(url)` opens (and migrates) the database and returns a `Store`, whose parts each
keep one entity's queries (as Miniflux's storage/ does):

    store.articles     articles and their sources, periods, the full-text index (articles.py)
    store.catalog      the latest articles, an article's sources, deleting, pruning (catalog.py)
    store.summaries    summaries and passage vectors per model (summaries.py)
    store.chats        chats, their subscriptions and pending "Summarizing…" replies (chats.py)
    store.deliveries   scheduled pushes and the push lease (deliveries.py)
    store.feeds        followed feeds and the entries they took in (feeds.py)
    store.stats        counts for the operator's /stats (stats.py)
    store.preferences  push options, pauses and a chat's default options (preferences.py)
    store.backlog      what waits: summaries, due pushes, unfinished deliveries (backlog.py)
    store.updates      ids of the Telegram updates the webhook replicas took (updates.py)

`store.session_lock(name)` is a lock one process holds while it runs (PostgreSQL, locks.py);
`store.ping()` checks that the database answers, once, without retrying.

Every method runs in its own short transaction (database.py) and returns plain values. A
connection that fails (database restarting, file locked too long) is retried a few times with
backoff before `DatabaseUnavailable` is raised; nothing is half-written, because each method is
one transaction. ORM rows live in rows.py, migrations in migrations/.
"""

from __future__ import annotations

import os
import secrets
import socket

from sqlalchemy.engine import Engine

from bot.store.articles import Articles
from bot.store.backlog import Backlogs
from bot.store.catalog import Catalog
from bot.store.chats import Chats
from bot.store.database import (
    Database,
    DatabaseBusy,
    DatabaseGone,
    DatabaseReadOnly,
    DatabaseUnavailable,
    open_engine,
)
from bot.store.deliveries import Deliveries
from bot.store.feeds import Feeds
from bot.store.locks import SessionLock
from bot.store.preferences import Preferences
from bot.store.schema import migrate_database, schema_problem
from bot.store.stats import Stats
from bot.store.summaries import Summaries
from bot.store.updates import TakenUpdates

__all__ = [
    "DatabaseBusy",
    "DatabaseGone",
    "DatabaseReadOnly",
    "DatabaseUnavailable",
    "SessionLock",
    "Store",
    "migrate_database",
    "open_store",
    "schema_problem",
]


class Store:
    """The database behind digestbot, opened with `open_store`: one repository per entity."""

    def __init__(self, engine: Engine) -> None:
        self._db = Database(engine)
        self.articles = Articles(self._db)
        self.catalog = Catalog(self._db, forget=self.articles.forget)
        self.summaries = Summaries(self._db)
        self.chats = Chats(self._db)
        self.deliveries = Deliveries(self._db)
        self.feeds = Feeds(self._db)
        self.stats = Stats(self._db)
        self.updates = TakenUpdates(self._db)
        self.preferences = Preferences(self._db)
        self.backlog = Backlogs(self._db)
        # who this Store is when it takes a lease: host, process and a token of its own
        self.instance_id = f"{socket.gethostname()} pid {os.getpid()} {secrets.token_hex(4)}"

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for benches and tests that look at the tables)."""
        return self._db.engine

    def close(self) -> None:
        """Release the connection pool."""
        self._db.close()

    def ping(self) -> None:
        """Raise DatabaseUnavailable unless the database answers a query now (one try, for a
        readiness probe: no retrying)."""
        self._db.ping()

    def session_lock(self, name: str) -> SessionLock | None:
        """The PostgreSQL advisory lock `name` (see locks.py); None on SQLite, which has none."""
        return SessionLock(self.engine, name) if self._db.dialect == "postgresql" else None

    def check_file(self) -> None:
        """Raise DatabaseGone when the SQLite file opened at start has been deleted or replaced
        by another file since (an open connection would go on writing to the deleted one)."""
        self._db.check_file()


def open_store(url: str) -> Store:
    """Open (and migrate) the database at `url` and return a Store on it; DatabaseUnavailable
    (saying where and why) when it cannot be opened."""
    return Store(open_engine(url))
