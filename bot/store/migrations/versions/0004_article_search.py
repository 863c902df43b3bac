"""full-text search over articles: FTS5 on SQLite, tsvector + GIN on PostgreSQL

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-22 18:45:00

SQLite: `articles_fts`, an external-content FTS5 table over articles.title and articles.text
(unicode61 tokenizer; diacritics kept, as PostgreSQL's 'simple' does), kept in sync by triggers
on insert, update and delete.
PostgreSQL: a stored generated column `articles.search` (to_tsvector('simple', title || text):
no stemming, so prefix queries behave like the SQLite ones) with a GIN index.
Queries: Store.articles_naming.
"""

from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE_UP = [
    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
    "VALUES ('delete', old.id, old.title, old.text); "
    "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
]
_SQLITE_DOWN = [
    "DROP TRIGGER articles_fts_update",
    "DROP TRIGGER articles_fts_delete",
    "DROP TRIGGER articles_fts_insert",
    "DROP TABLE articles_fts",
]
_POSTGRES_UP = [
    "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS "
    "(to_tsvector('simple'::regconfig, title || ' ' || text)) STORED",
    "CREATE INDEX ix_articles_search ON articles USING gin (search)",
]
_POSTGRES_DOWN = ["DROP INDEX ix_articles_search", "ALTER TABLE articles DROP COLUMN search"]


def upgrade() -> None:
    for statement in _SQLITE_UP if _is_sqlite() else _POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in _SQLITE_DOWN if _is_sqlite() else _POSTGRES_DOWN:
        op.execute(statement)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"
