"""Fixtures of the store's migration tests."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.store.database import create_db_engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request, tmp_path):
    """An empty database on SQLite, and on PostgreSQL when one is reachable, for a migration
    test to bring to the revision before its own."""
    if request.param == "sqlite":
        engine = create_db_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    else:
        engine = create_db_engine(request.getfixturevalue("postgres_url"))
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    yield engine
    engine.dispose()
