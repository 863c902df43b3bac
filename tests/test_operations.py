"""`digestbot migrate` and `digestbot healthcheck` on a fresh SQLite file and on PostgreSQL: the
health check changes nothing and says in one line why a database cannot serve."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from bot.cli import app
from bot.store.schema import newest_revision
from tests.metrics import free_port

runner = CliRunner()


@pytest.fixture
def environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DIGESTBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DIGESTBOT_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("DIGESTBOT_LOG_LEVEL", "WARNING")
    monkeypatch.delenv("DIGESTBOT_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_healthcheck_of_a_missing_sqlite_file_fails_and_creates_nothing(environment):
    checked = runner.invoke(app, ["healthcheck"])

    assert checked.exit_code == 1
    assert checked.stderr.count("\n") == 1
    assert "no database file" in checked.stderr and "digestbot migrate" in checked.stderr
    assert not (environment / "data").exists()


def test_migrate_makes_a_fresh_sqlite_file_healthy(environment):
    migrated = runner.invoke(app, ["migrate"])
    checked = runner.invoke(app, ["healthcheck"])

    assert migrated.exit_code == 0, migrated.output
    assert f"database at revision {newest_revision()}" in migrated.stdout
    assert (environment / "data" / "digestbot.sqlite3").is_file()
    assert checked.exit_code == 0 and checked.stdout == "healthy\n"


def test_healthcheck_fails_on_a_database_behind_the_code(environment):
    runner.invoke(app, ["migrate"])
    database = environment / "data" / "digestbot.sqlite3"
    with create_engine(f"sqlite:///{database}").begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0009'"))

    checked = runner.invoke(app, ["healthcheck"])

    assert checked.exit_code == 1
    assert f"is at revision 0009, this version needs {newest_revision()}" in checked.stderr


def test_healthcheck_fails_in_one_line_on_wrong_settings(environment, monkeypatch):
    monkeypatch.setenv("DIGESTBOT_DIGEST_DAYS", "0")
    monkeypatch.setenv("DIGESTBOT_DEFAULT_TIMEZONE", "Mars/Olympus")

    checked = runner.invoke(app, ["healthcheck"])

    assert checked.exit_code == 1
    assert checked.stderr.count("\n") == 1 and "digest_days" in checked.stderr


def test_healthcheck_fails_when_the_database_server_does_not_answer(environment, monkeypatch):
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/digestbot"
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", url)

    checked = runner.invoke(app, ["healthcheck"])

    assert checked.exit_code == 1
    assert checked.stderr.startswith("unhealthy: cannot read the database")
    assert checked.stderr.count("\n") == 1


def test_healthcheck_fails_on_a_file_that_is_not_a_database(environment):
    (environment / "data").mkdir()
    (environment / "data" / "digestbot.sqlite3").write_text("not a database, " * 100)

    checked = runner.invoke(app, ["healthcheck"])

    assert checked.exit_code == 1
    assert "cannot read the database" in checked.stderr and "not a database" in checked.stderr


@pytest.mark.postgres
def test_migrate_then_healthcheck_on_postgresql(environment, monkeypatch, postgres_url):
    with create_engine(postgres_url).begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    monkeypatch.setenv("DIGESTBOT_DATABASE_URL", postgres_url)

    before = runner.invoke(app, ["healthcheck"])
    migrated = runner.invoke(app, ["migrate"])
    again = runner.invoke(app, ["migrate"])
    after = runner.invoke(app, ["healthcheck"])

    assert before.exit_code == 1 and "has no schema yet" in before.stderr
    assert migrated.exit_code == 0 and again.exit_code == 0, migrated.output + again.output
    assert after.exit_code == 0
