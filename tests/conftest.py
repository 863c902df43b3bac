"""Shared fixtures: a migrated store per test (SQLite, and PostgreSQL when reachable), fake
models for fast unit tests, and a guard that fails any test reaching beyond this machine.

The PostgreSQL store tests work in a database of their own test run, created on the server of
`DIGESTBOT_TEST_POSTGRES_URL` and dropped at the end, so test runs side by side on one server
do not wipe each other's tables."""

from __future__ import annotations

import gc
import ipaddress
import os
import socket
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import OperationalError

from bot.runtime import configure_process
from bot.store import Store, open_store
from tests.fakes import FakeSummarizer, HashingEncoder

configure_process()  # the tests run the bot's code with the knobs `digestbot` sets

POSTGRES_URL = os.environ.get(
    "DIGESTBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

_real_connect = socket.socket.connect


def _loopback_only(sock: socket.socket, address) -> None:
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
            raise RuntimeError(f"test tried to reach {host}: tests must stay on this machine")
    return _real_connect(sock, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


def postgres_available() -> bool:
    try:
        with create_engine(POSTGRES_URL).connect():
            return True
    except (OperationalError, ImportError):
        return False


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a database of this test run's own on the test server; skips without a server."""
    if not postgres_available():
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}")
    name = f"digestbot_test_{os.getpid()}"
    server = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    # Connections a test let go of unreturned are rolled back when collected: collect them
    # while their database is there, not after the drop ends them ("AdminShutdown" logged).
    gc.collect()
    with server.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    server.dispose()


def _fresh_postgres_store(url: str) -> Store:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return open_store(url)


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def store(request: pytest.FixtureRequest, tmp_path) -> Store:
    """A freshly migrated store; the PostgreSQL variant skips when no server is reachable."""
    if request.param == "postgres":
        opened = _fresh_postgres_store(request.getfixturevalue("postgres_url"))
    else:
        opened = open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path) -> Store:
    """A freshly migrated SQLite store only."""
    opened = open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}")
    yield opened
    opened.close()


@pytest.fixture
def fake_encoder() -> HashingEncoder:
    return HashingEncoder()


@pytest.fixture
def fake_summarizer() -> FakeSummarizer:
    return FakeSummarizer()


@pytest.fixture
def fake_matcher(fake_encoder: HashingEncoder):
    from summarizer.topics.matcher import TopicMatcher
    from tests.fakes import naming_model

    return TopicMatcher(fake_encoder, model=naming_model())
