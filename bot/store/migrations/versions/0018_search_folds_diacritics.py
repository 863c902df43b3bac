"""full-text search folds diacritics: "erdogan" finds Erdoğan, "sao paulo" São Paulo

Topic names are matched with their letters' diacritics folded (`summarizer.folding`); the index
kept them (migration 0004), so it never handed such an article to the matcher. Now it folds the
same letters:
SQLite: `articles_fts` made again with the unicode61 tokenizer's `remove_diacritics 2` (which
folds a letter Unicode composes of a Latin letter and marks, as `summarizer.folding` does), its
triggers unchanged, and rebuilt.
PostgreSQL: the generated column `articles.search` made again over the text with those letters
replaced (`translate`, immutable, no extension needed), and its GIN index; the query's terms are
folded by `Articles.naming`. The letters are `summarizer.folding.FOLDED_LETTERS` as they are at
this revision: changing them needs a migration of its own.

Revision ID: 0018
Revises: 0017
"""

from alembic import op

from summarizer.folding import FOLDED_LETTERS

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _sqlite(diacritics: int) -> list[str]:
    """Statements making `articles_fts` again with `remove_diacritics` set to `diacritics`."""
    return [
        "DROP TABLE articles_fts",
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', "
        f"content_rowid='id', tokenize='unicode61 remove_diacritics {diacritics}')",
        "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
    ]


def _postgres(searched: str) -> list[str]:
    """Statements making the `search` column and its index again over `searched`."""
    return [
        "DROP INDEX ix_articles_search",
        "ALTER TABLE articles DROP COLUMN search",
        "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS "
        f"(to_tsvector('simple'::regconfig, {searched})) STORED",
        "CREATE INDEX ix_articles_search ON articles USING gin (search)",
    ]


def _folded(expression: str) -> str:
    """SQL of `expression` with the folded letters replaced (letters only: no quoting needed)."""
    letters, bases = FOLDED_LETTERS
    assert (letters + bases).isalpha()
    return f"translate({expression}, '{letters}', '{bases}')"


def upgrade() -> None:
    searched = _folded("title || ' ' || text")
    for statement in _sqlite(2) if _is_sqlite() else _postgres(searched):
        op.execute(statement)


def downgrade() -> None:
    for statement in _sqlite(0) if _is_sqlite() else _postgres("title || ' ' || text"):
        op.execute(statement)


def _is_sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"
