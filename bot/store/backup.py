"""A consistent copy of a live SQLite database in one file, taken while the bot runs.

SQLite's online backup API (`sqlite3.Connection.backup`) copies every page in one step, under a
read transaction: the copy is the database as of one moment, and with WAL (the store's journal
mode) writers go on meanwhile. The copy is written beside the target as `NAME.partial` and
renamed into place once complete and checked (`PRAGMA quick_check`), so an interrupted backup
never leaves a half-written file under the target's name. The database is opened without
migrating it: a backup taken before an upgrade holds the old schema, which the new version
migrates when it starts. PostgreSQL has its own tool for this (`pg_dump`), named in the error.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.store.database import create_db_engine

PARTIAL_SUFFIX = ".partial"


class BackupError(Exception):
    """The backup could not be made; the message says why and what to do."""


def backup_database(url: str, target: Path) -> int:
    """Copy the SQLite database at `url` into the new file `target`; returns its size in bytes.

    Raises BackupError for another database (with the `pg_dump` command to use instead), a
    missing database file, a target that exists already, or a copy that fails or does not
    check out.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        name = parsed.database or "DATABASE"
        raise BackupError(
            f"digestbot backup copies SQLite databases only; this one is {parsed.drivername}. "
            f"Use PostgreSQL's own tool, e.g. pg_dump --format=custom --file=digestbot.dump "
            f"{name} (restore with pg_restore --dbname={name} digestbot.dump)."
        )
    if not parsed.database or not Path(parsed.database).is_file():
        raise BackupError(f"there is no database file at {parsed.database or '(none named)'}")
    if target.exists():
        raise BackupError(f"{target} exists already: name a new file (nothing was overwritten)")
    partial = target.with_name(target.name + PARTIAL_SUFFIX)
    engine = create_db_engine(url)
    try:
        _copy(engine, partial)
        os.replace(partial, target)
    except (OSError, sqlite3.Error, OperationalError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup to {target} failed: {exc}") from exc
    finally:
        engine.dispose()
    return target.stat().st_size


def _copy(engine, partial: Path) -> None:
    """Copy the engine's database into the file `partial` and check the copy."""
    source = engine.raw_connection()
    try:
        copy = sqlite3.connect(partial)
        try:
            source.driver_connection.backup(copy)
            (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
        finally:
            copy.close()
    finally:
        source.close()
    if verdict != "ok":
        raise sqlite3.DatabaseError(f"the copy does not check out: {verdict}")
