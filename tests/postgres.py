"""A PostgreSQL database of a test's own, for tests whose processes share one database and
must not see another test's rows (the `postgres_url` fixture's database is the session's)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def fresh_database(postgres_url: str, suffix: str) -> Iterator[str]:
    """An empty database beside `postgres_url`'s, dropped on exit; yields its URL."""
    url = make_url(postgres_url)
    name = f"{url.database}_{suffix}"
    server = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name}"))
        yield url.set(database=name).render_as_string(hide_password=False)
        with server.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    finally:
        server.dispose()
