"""The SQLite online backup: a consistent, checked copy in a new file, never over an old one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from bot.core.domain import ArticleDraft
from bot.store import open_store
from bot.store.backup import BackupError, backup_database


def test_the_copy_holds_the_live_databases_articles_and_schema(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    store = open_store(url)
    store.articles.add(
        ArticleDraft(title="Gas", text="Russia sold gas.", source="a.txt"),
        fingerprint="gas",
        received_at=datetime(2024, 11, 4, tzinfo=UTC),
    )
    target = tmp_path / "copy.sqlite3"

    size = backup_database(url, target)  # the store stays open meanwhile
    store.close()

    assert size == target.stat().st_size > 0
    copy = open_store(f"sqlite:///{target}")
    assert [a.title for a in copy.articles.received_between(
        datetime(2024, 1, 1, tzinfo=UTC), datetime(2025, 1, 1, tzinfo=UTC)
    )] == ["Gas"]  # fmt: skip
    copy.close()
    assert not (tmp_path / "copy.sqlite3.partial").exists()


def test_an_existing_target_is_refused_and_left_as_it_was(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    open_store(url).close()
    target = tmp_path / "old.sqlite3"
    target.write_bytes(b"precious")

    with pytest.raises(BackupError, match="exists already"):
        backup_database(url, target)

    assert target.read_bytes() == b"precious"


def test_a_missing_database_file_is_named_and_not_created(tmp_path):
    missing = tmp_path / "missing.sqlite3"

    with pytest.raises(BackupError, match="no database file"):
        backup_database(f"sqlite:///{missing}", tmp_path / "copy.sqlite3")

    assert not missing.exists()


def test_a_failed_copy_leaves_no_partial_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    open_store(url).close()

    with pytest.raises(BackupError, match="failed"):
        backup_database(url, tmp_path / "no-such-folder" / "copy.sqlite3")

    assert list(tmp_path.iterdir()) == [tmp_path / "live.sqlite3"]


def test_postgresql_is_sent_to_pg_dump(tmp_path):
    with pytest.raises(BackupError, match=r"pg_dump --format=custom .* news") as raised:
        backup_database("postgresql+psycopg://bot:secret@db/news", tmp_path / "x")

    assert "secret" not in str(raised.value)


def test_the_copy_is_a_plain_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    open_store(url).close()
    backup_database(url, tmp_path / "copy.sqlite3")

    with sqlite3.connect(tmp_path / "copy.sqlite3") as copy:
        (revision,) = copy.execute("SELECT version_num FROM alembic_version").fetchone()

    assert revision
