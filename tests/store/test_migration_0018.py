"""Migration 0018: the full-text index folds diacritics, for the articles stored before it too,
and the index still follows inserts, updates and deletes."""

from __future__ import annotations

from alembic import command
from sqlalchemy import text

from bot.store.database import alembic_config, migrate


def _add(connection, article_id: int, title: str, body: str) -> None:
    connection.execute(
        text(
            "INSERT INTO articles (id, fingerprint, title, text, source, received_at) "
            "VALUES (:id, :id, :title, :body, 'test', '2026-11-30 08:00:00')"
        ),
        {"id": article_id, "title": title, "body": body},
    )


def _naming(connection, word: str) -> set[int]:
    """Ids of the articles the index finds for words starting with `word` (as written)."""
    if connection.dialect.name == "sqlite":
        query = "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :q"
        return set(connection.execute(text(query), {"q": f'"{word}"*'}).scalars())
    query = "SELECT id FROM articles WHERE search @@ to_tsquery('simple', :q)"
    return set(connection.execute(text(query), {"q": f"{word}:*"}).scalars())


def test_the_index_folds_diacritics_of_articles_stored_before_and_after(engine):
    migrate(engine, "0017")
    with engine.begin() as connection:
        _add(connection, 1, "Erdoğan visits", "Talks in São Paulo.")
        _add(connection, 2, "Plain", "Erdogan in Sao Paulo.")
        assert _naming(connection, "erdogan") == {2}  # before: the diacritics kept

    migrate(engine)

    with engine.begin() as connection:
        _add(connection, 3, "Zürich", "The Élysée said.")
        assert _naming(connection, "erdogan") == {1, 2}
        assert _naming(connection, "sao") == {1, 2}
        assert _naming(connection, "elysee") == _naming(connection, "zurich") == {3}
        connection.execute(text("UPDATE articles SET title = 'Geneva' WHERE id = 3"))
        connection.execute(text("DELETE FROM articles WHERE id = 1"))
        assert (_naming(connection, "zurich"), _naming(connection, "geneva")) == (set(), {3})
        assert _naming(connection, "erdogan") == {2}


def test_downgrade_keeps_diacritics_again(engine):
    migrate(engine)
    config = alembic_config()
    with engine.begin() as connection:
        _add(connection, 1, "Erdoğan visits", "Talks.")
        config.attributes["connection"] = connection
        command.downgrade(config, "0017")
        assert (_naming(connection, "erdogan"), _naming(connection, "erdoğan")) == (set(), {1})
