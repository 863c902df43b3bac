"""The schema's revision: migrating a database on request (`digestbot migrate`) and telling,
without changing anything, whether it is at the newest migration (`digestbot healthcheck`)."""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from bot.store.database import (
    DatabaseUnavailable,
    alembic_config,
    create_db_engine,
    open_engine,
    sqlite_file_path,
)

MIGRATE_HINT = "run `digestbot migrate`"


def newest_revision() -> str:
    """The revision the code expects: the head of the migrations."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def migrate_database(url: str) -> str:
    """Bring the database at `url` to the newest revision and return it; DatabaseUnavailable
    (saying where and why) when it cannot be opened."""
    engine = open_engine(url)
    try:
        return _revision(engine)
    finally:
        engine.dispose()


def schema_problem(url: str) -> str | None:
    """Why the database at `url` cannot serve now (unreachable, never migrated, at another
    revision than the code's), in one line; None when it answers at the newest revision.
    Creates and changes nothing (an absent SQLite file stays absent)."""
    parsed = make_url(url)
    location = parsed.render_as_string(hide_password=True)
    if (path := sqlite_file_path(url)) is not None and not path.is_file():
        return f"no database file at {path}: {MIGRATE_HINT}"
    try:
        engine = create_db_engine(url)
    except DatabaseUnavailable as exc:
        return str(exc)
    try:
        current = _revision(engine)
    except DBAPIError as exc:  # unreachable, refused, or not a database at all
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        return f"cannot read the database {location}: {reason}"
    finally:
        engine.dispose()
    newest = newest_revision()
    if current is None:
        return f"the database {location} has no schema yet: {MIGRATE_HINT}"
    if current != newest:
        return (
            f"the database {location} is at revision {current}, this version needs {newest}: "
            f"{MIGRATE_HINT} with this version"
        )
    return None


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
