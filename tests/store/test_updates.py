"""store.updates: an update id is taken once, by whichever store (process) asks first, and
old ids are pruned; store.ping; store.session_lock (PostgreSQL's advisory lock)."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.store import DatabaseUnavailable, open_store
from tests.store import another_process


def test_an_update_id_is_taken_once(store):
    assert store.updates.take(1001) is True
    assert store.updates.take(1001) is False
    assert store.updates.take(1002) is True


def test_two_processes_taking_the_same_ids_at_once_take_each_once(store):
    other = another_process(store)
    ids = list(range(1, 201))
    try:
        with ThreadPoolExecutor(8) as pool:
            mine = pool.map(store.updates.take, ids)
            theirs = pool.map(other.updates.take, ids)
            taken = [a + b for a, b in zip(mine, theirs, strict=True)]
    finally:
        other.close()
    assert taken == [1] * len(ids)


def test_pruning_forgets_ids_received_before_the_moment_only(store):
    store.updates.take(7)
    assert store.updates.prune(datetime.now(UTC) - timedelta(days=1)) == 0
    assert store.updates.take(7) is False

    assert store.updates.prune(datetime.now(UTC) + timedelta(seconds=1)) == 1
    assert store.updates.take(7) is True


def test_ping_answers_while_the_database_is_there(store):
    store.ping()


def test_ping_fails_once_the_sqlite_file_is_gone(sqlite_store):
    sqlite_store.ping()
    database = sqlite_store.engine.url.database
    os.remove(database)
    with pytest.raises(DatabaseUnavailable):
        sqlite_store.ping()


def test_sqlite_has_no_session_lock(sqlite_store):
    assert sqlite_store.session_lock("digestbot polling") is None


@pytest.fixture
def postgres_store(postgres_url):
    opened = open_store(postgres_url)
    yield opened
    opened.close()


@pytest.mark.postgres
def test_a_session_lock_is_held_by_one_process_until_it_lets_go(postgres_store):
    store = postgres_store
    other = another_process(store)
    first, second = store.session_lock("test lock"), other.session_lock("test lock")
    try:
        assert first.try_acquire() is True
        assert second.try_acquire() is False
        assert first.held() and not second.held()

        first.release()

        assert second.try_acquire() is True
        assert first.try_acquire() is False
    finally:
        first.release()
        second.release()
        other.close()


@pytest.mark.postgres
def test_a_session_lock_is_lost_with_its_connection_and_another_takes_it(postgres_store):
    store = postgres_store
    other = another_process(store)
    first, second = store.session_lock("test lock"), other.session_lock("test lock")
    try:
        assert first.try_acquire() is True
        with store.engine.connect() as connection:  # the server ends the lock's session (and
            # waits up to 5 s for it to end)
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid, 5000) FROM pg_locks "
                    "WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database "
                    "WHERE datname = current_database()) AND pid <> pg_backend_pid()"
                )
            )
        assert first.held() is False
        assert second.try_acquire() is True
    finally:
        first.release()
        second.release()
        other.close()
