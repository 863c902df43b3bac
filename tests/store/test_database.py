"""The database under the store: retries of an unreachable database, a SQLite file locked by
another connection, and one deleted or replaced while the bot runs."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy.exc import OperationalError

from bot.store import DatabaseUnavailable, open_store
from bot.store.database import SQLITE_BUSY_TIMEOUT_S, Database, DatabaseBusy, DatabaseGone


def test_unreachable_database_raises_database_unavailable_after_retries(sqlite_store, monkeypatch):
    calls = []

    def broken(session):
        calls.append(1)
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("bot.store.database.RETRY_DELAYS_S", (0.0, 0.0))

    with pytest.raises(DatabaseUnavailable, match="server closed the connection"):
        Database(sqlite_store.engine).run(broken)
    assert len(calls) == 3


def test_a_database_locked_by_another_connection_answers_busy_within_seconds(
    sqlite_store, tmp_path
):
    holder = sqlite3.connect(tmp_path / "digestbot.sqlite3")
    holder.execute("BEGIN IMMEDIATE")  # e.g. a backup or a stuck process holding the write lock
    started = time.monotonic()

    with pytest.raises(DatabaseBusy):
        sqlite_store.chats.ensure(1, timezone="UTC")

    assert time.monotonic() - started < SQLITE_BUSY_TIMEOUT_S + 2  # was 124 s
    holder.rollback()
    holder.close()


@pytest.mark.parametrize("replaced", [False, True])
def test_a_database_file_deleted_or_replaced_while_running_is_noticed(
    sqlite_store, tmp_path, replaced
):
    sqlite_store.check_file()  # the file opened at start: nothing to say
    path = tmp_path / "digestbot.sqlite3"
    path.unlink()
    if replaced:
        open_store(f"sqlite:///{path}").close()

    with pytest.raises(DatabaseGone, match="deleted or replaced"):
        sqlite_store.check_file()
