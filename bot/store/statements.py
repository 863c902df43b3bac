"""Writes of one statement each, the same on SQLite and PostgreSQL: insert-or-update by a unique
key, insert-unless-present, update-if-still-there. One statement leaves no gap between a read
and a write for another process to land in."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.database import Database

T = TypeVar("T")


def upsert(session: Session, row: type, keys: dict, values: dict, where=None) -> bool:
    """Insert a row or update `values` of the row with these unique `keys` (only where `where`
    holds, if given) in one statement, so two writers cannot clash; whether it was written."""
    statement = _insert(session)(row).values(**keys, **values)
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_=values, where=where)
    written = session.execute(statement.returning(*(getattr(row, key) for key in keys)))
    return written.first() is not None


def upsert_many(session: Session, row: type, keys: list[str], rows: list[dict]) -> None:
    """`upsert` of many rows (all with the same columns) in one statement."""
    if not rows:
        return
    statement = _insert(session)(row)
    values = {name: statement.excluded[name] for name in rows[0] if name not in keys}
    # executemany of one cached statement (SQLAlchemy sends it as multi-row INSERTs)
    statement = statement.on_conflict_do_update(index_elements=keys, set_=values)
    session.connection().execute(statement, rows)


def insert_new(session: Session, row: type, values: list[dict]) -> None:
    """Insert rows, skipping those whose primary key is taken (INSERT … ON CONFLICT DO NOTHING)."""
    session.execute(_insert(session)(row).values(values).on_conflict_do_nothing())


def insert_if_new(session: Session, row: type, values: dict) -> bool:
    """Insert one row unless its primary key is taken (INSERT … ON CONFLICT DO NOTHING);
    whether it was inserted."""
    statement = _insert(session)(row).values(**values).on_conflict_do_nothing()
    key = row.__table__.primary_key.columns.values()[0]
    return session.execute(statement.returning(key)).first() is not None


def update_if_there(session: Session, row: type, row_id: object, **values) -> bool:
    """Set `values` on the row with this primary key `id`, in one statement; False when no such
    row is left. (Reading the row first and then changing it fails when another transaction
    deleted it in between, e.g. a delivery removed with its subscription.)"""
    statement = (
        update(row)
        .where(row.id == row_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return session.execute(statement).rowcount == 1


def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def run_settling_races(db: Database, work: Callable[[Session], T], *, attempts: int) -> T:
    """`db.run(work)`, done again (up to `attempts` in all, each a new transaction) when a
    unique key refused a write another process made first: the next attempt reads that row."""
    for attempt in range(1, attempts + 1):
        try:
            return db.run(work)
        except IntegrityError:
            if attempt == attempts:
                raise
    raise AssertionError("unreachable")
