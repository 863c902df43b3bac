"""The database under the store: opening (engine, SQLite pragmas, Alembic migrations to the
newest revision), one transaction per call with retries, the Database* errors and the clocks.
The statement shapes the repositories share (upsert, insert-if-new, update-if-there) are in
statements.py.

Nothing here knows an entity; the repositories (articles.py, summaries.py, ...) build on it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

T = TypeVar("T")
MIGRATIONS_DIR = Path(__file__).with_name("migrations")
RETRY_DELAYS_S = (0.5, 1.0, 2.0)

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


class Database:
    """An engine and its sessions: `run` does one unit of work in one transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        self._file = _sqlite_file(engine)
        self._file_identity = self._file and _identity(self._file)

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def run(self, work: Callable[[Session], T]) -> T:
        """Run `work` in one transaction, retrying when the database cannot be reached. A
        SQLite file locked past its busy timeout is not retried (that wait is over already)."""
        for attempt, delay in enumerate((*RETRY_DELAYS_S, None)):
            try:
                with self._sessions.begin() as session:
                    return work(session)
            except (OperationalError, InterfaceError) as exc:
                if "database is locked" in str(exc.orig):
                    raise DatabaseBusy(f"database busy: {exc.orig}") from exc
                if "readonly database" in str(exc.orig):  # retrying would not help
                    raise DatabaseReadOnly(f"database read-only: {exc.orig}") from exc
                if delay is None:
                    raise DatabaseUnavailable(f"database unavailable: {exc.orig}") from exc
                log.warning("database error (attempt %d), retrying: %s", attempt + 1, exc.orig)
                time.sleep(delay)
        raise AssertionError("unreachable")

    def ping(self) -> None:
        """Raise DatabaseUnavailable unless the database answers `SELECT 1` now (one try)."""
        self.check_file()
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except (OperationalError, InterfaceError) as exc:
            raise DatabaseUnavailable(f"database unavailable: {exc.orig}") from exc

    def check_file(self) -> None:
        """Raise DatabaseGone when the SQLite file opened at start has been deleted or replaced
        by another file since (an open connection would go on writing to the deleted one)."""
        if self._file is not None and _identity(self._file) != self._file_identity:
            raise DatabaseGone(
                f"the database file {self._file} was deleted or replaced while the bot ran"
            )

    def close(self) -> None:
        """Release the connection pool."""
        self.engine.dispose()


def open_engine(url: str) -> Engine:
    """An engine on the database at `url`, migrated; DatabaseUnavailable (saying where and
    why) when it cannot be opened."""
    location = make_url(url).render_as_string(hide_password=True)
    try:
        engine = create_db_engine(url)
        migrate(engine)
    except (OperationalError, OSError) as exc:
        reason = exc.orig if isinstance(exc, OperationalError) else exc.strerror or exc
        raise DatabaseUnavailable(f"cannot open the database {location}: {reason}") from exc
    log.info("database ready: %s", location)
    return engine


def create_db_engine(url: str) -> Engine:
    """An engine for `url`; for SQLite, its directory is made and WAL and foreign keys are on.
    Raises DatabaseUnavailable when the URL names a driver that is not installed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if (path := sqlite_file_path(url)) is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
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


def alembic_config() -> Config:
    """Alembic's configuration of the bot's migrations (`MIGRATIONS_DIR`)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (by default the newest Alembic revision).

    On SQLite foreign keys are off while it runs, as SQLite asks for a table rebuild (a rebuilt
    parent table would otherwise cascade-delete its children), and checked before committing."""
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if sqlite:  # a no-op inside a transaction: set before the migration's begins
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, revision)
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise DatabaseUnavailable("the migration left rows without their parent")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


def utc_now() -> datetime:
    """The current time, aware UTC: what the store stamps on rows it creates."""
    return datetime.now(UTC)


def database_now(session: Session) -> datetime:
    """The database's time, aware UTC: PostgreSQL's `now()`, one clock for every host's
    expiries; on SQLite (one host) this process's clock."""
    if session.get_bind().dialect.name != "postgresql":
        return utc_now()
    return session.scalar(select(func.now())).astimezone(UTC)


def sqlite_file_path(url: str) -> Path | None:
    """The file a SQLite URL names; None for another database, an in-memory one, or a file
    named as a URI (file:…?mode=ro with ?uri=true), which is left as written."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    return None if database.startswith("file:") else Path(database)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
    cursor.close()


def _sqlite_file(engine: Engine) -> Path | None:
    """The file of a SQLite engine (None for another database or an in-memory one)."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        return None
    return Path(database).resolve()


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of a file, None when it does not exist."""
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino
