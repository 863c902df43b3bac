"""Opening the database: engine, SQLite pragmas, Alembic migrations to the newest revision."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import OperationalError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


# How long a SQLite statement waits for another connection's lock before giving up. A write
# holds the lock for milliseconds; a lock held longer (a backup, a stuck process) would
# otherwise stall every update for minutes, so the user is asked to try again instead.
SQLITE_BUSY_TIMEOUT_S = 10


class DatabaseUnavailable(Exception):
    """The database could not be reached, even after retrying; nothing was written."""


class DatabaseGone(DatabaseUnavailable):
    """The SQLite file the store opened was deleted or replaced while the bot ran: writes would
    go to a file no one can open again."""


class DatabaseReadOnly(DatabaseUnavailable):
    """The database may be read but not written (a read-only file, mount or SQLite URI)."""


class DatabaseBusy(DatabaseUnavailable):
    """Another connection held a lock on the SQLite file for more than SQLITE_BUSY_TIMEOUT_S."""


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite, its directory is made and WAL and foreign keys are on.
    Raises DatabaseUnavailable when the URL names a driver that is not installed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:" and not _sqlite_uri(parsed.database):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return create_engine(url, pool_pre_ping=True)
    except ImportError as exc:
        hint = (
            " (pip install 'digestbot[postgres]')"
            if parsed.get_backend_name() == "postgresql"
            else ""
        )
        raise DatabaseUnavailable(
            f"the database driver for {parsed.drivername} is not installed{hint}: {exc}"
        ) from exc


def _sqlite_uri(database: str) -> bool:
    """Whether a SQLite URL names its file as a URI (file:…?mode=ro with ?uri=true)."""
    return database.startswith("file:")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def open_store(url: str):
    """Open (and migrate) the database at `url` and return a Store on it; DatabaseUnavailable
    (saying where and why) when it cannot be opened."""
    from bot.store.repository import Store

    location = make_url(url).render_as_string(hide_password=True)
    try:
        engine = create_db_engine(url)
        migrate(engine)
    except (OperationalError, OSError) as exc:
        reason = exc.orig if isinstance(exc, OperationalError) else exc.strerror or exc
        raise DatabaseUnavailable(f"cannot open the database {location}: {reason}") from exc
    log.info("database ready: %s", location)
    return Store(engine)
