"""Articles: storing one unless its content or story is stored already (then its source is
added), reading them by id, period of publication or arrival, and the full-text index.

Stored articles do not change but for their list of sources, which grows when a duplicate
arrives: what this process read or stored is kept in memory (bot.store.cache), and an article
is forgotten when this process adds a source to it. /digest over a large period then reads
from the database only the articles other processes stored, and the last period asked by date
and by arrival is carried to the next (bot.store.periods), which also reads again the articles
any process gave a source since.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from bot.core.domain import ArticleDraft, StoredArticle
from bot.store.cache import MemoryCache
from bot.store.database import Database
from bot.store.periods import CarriedPeriod
from bot.store.rows import ArticleBandRow, ArticleRow, ArticleSourceRow, UTCDateTime
from bot.store.search import naming_query
from bot.store.statements import run_settling_races

_IDS_PER_QUERY = 5_000  # below SQLite's limit of bound parameters

# A unique key refuses a write when another process, between our reads and our write, stored
# the same content (the article's fingerprint) or added this source to the stored article
# ((article, source)). The transaction is then rolled back whole (on PostgreSQL a failed
# statement aborts it) and the work done again in a new one, which finds what the other stored:
# once for the article, once more for the source when a third process added it meanwhile.
_ADD_ATTEMPTS = 3

_Sender = tuple[int | None, int | None]  # (chat id, user id) of who sent an article


class Articles:
    """The stored articles: `store.articles`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._cache: MemoryCache[int, StoredArticle] = MemoryCache()
        self._on_insert: list[Callable[[Any, int], None]] = []
        dated = func.coalesce(ArticleRow.published, ArticleRow.received_at, type_=UTCDateTime)
        self._periods = (
            CarriedPeriod(db, dated, start_included=True, load=self._read),
            CarriedPeriod(db, ArticleRow.received_at, start_included=False, load=self._read),
        )

    def call_on_insert(self, hook: Callable[[Any, int], None]) -> None:
        """Have `hook(connection, article_id)` run in the transaction inserting each new article:
        what it writes on that DB-API connection (a job) commits or rolls back with the article."""
        self._on_insert.append(hook)

    def add(
        self,
        draft: ArticleDraft,
        *,
        fingerprint: str,
        received_at: datetime,
        signature: bytes | None = None,
        band_keys: Sequence[str] = (),
        same_story: Callable[[bytes, bytes], bool] | None = None,
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> tuple[StoredArticle, bool]:
        """Store `draft` unless the same content (fingerprint) or the same story is stored.

        The same story is an article sharing one of `band_keys` whose stored signature
        `same_story(signature, stored)` accepts. A duplicate adds its source to the stored
        article's sources. `chat_id` and `user_id`: the chat and person who sent it.
        Returns the stored article and whether it was new.
        """

        def work(session: Session) -> tuple[StoredArticle, bool]:
            existing = session.scalar(
                select(ArticleRow).where(ArticleRow.fingerprint == fingerprint)
            )
            if existing is None and signature is not None and band_keys and same_story:
                existing = _same_story_article(session, signature, band_keys, same_story)
            if existing is not None:
                if _add_source(session, existing, draft.source, (chat_id, user_id), received_at):
                    self._cache.forget(existing.id)
                return to_article(existing), False
            row = _insert_article(
                session, draft, fingerprint, received_at, signature, (chat_id, user_id)
            )
            for hook in self._on_insert:  # with the DB-API connection of this transaction
                hook(session.connection().connection.driver_connection, row.id)
            if band_keys:
                session.execute(
                    insert(ArticleBandRow),
                    [{"article_id": row.id, "band_key": key} for key in set(band_keys)],
                )
            return to_article(row), True

        stored, new = run_settling_races(self._db, work, attempts=_ADD_ATTEMPTS)
        if new:  # the next digest of its period finds it in memory
            self._cache.remember({stored.id: stored})
        return stored, new

    def forget(self, article_ids: Sequence[int]) -> None:
        """Drop deleted articles from this process's memory (the next periods are read anew)."""
        for article_id in article_ids:
            self._cache.forget(article_id)
        for period in self._periods:
            period.forget()

    def count_added_by(self, chat_id: int, since: datetime) -> int:
        """How many article sources `chat_id` added since `since` (new articles and duplicates
        from a new source)."""
        query = select(func.count(ArticleSourceRow.id)).where(
            ArticleSourceRow.chat_id == chat_id, ArticleSourceRow.added_at >= since
        )
        return self._db.run(lambda s: s.scalar(query) or 0)

    def get(self, article_id: int) -> StoredArticle | None:
        """The article with this id, if any."""
        return self._db.run(lambda s: (row := s.get(ArticleRow, article_id)) and to_article(row))

    def dated_between(self, since: datetime, until: datetime) -> list[StoredArticle]:
        """Articles whose date (publication when known, else arrival) lies in [since, until],
        by id (the last such period asked carried: `CarriedPeriod`)."""
        return self._periods[0].articles(since, until)

    def received_between(self, after: datetime, until: datetime) -> list[StoredArticle]:
        """Articles that arrived in (after, until], by id (carried as `dated_between`)."""
        return self._periods[1].articles(after, until)

    def naming(self, names: list[list[str]]) -> set[int]:
        """Ids of the articles naming any of `names` in their title or text, in one query of
        the full-text index (FTS5 on SQLite, the `search` tsvector on PostgreSQL: migrations
        0004 and 0018, which fold diacritics: "zurich" finds "Zürich"). A name is its terms:
        words starting with them, adjacent and in order (["north", "kore"] finds "North
        Korean"), a term of one letter that word alone (["u", "s"] finds "U.S.", not "up
        sharply"); terms are letters and digits (`topic_terms`)."""
        names = [terms for terms in names if terms]
        if not names:
            return set()
        sqlite = self._db.dialect == "sqlite"
        joined = naming_query(names, sqlite=sqlite)
        query = sql_text(
            "SELECT rowid FROM articles_fts WHERE articles_fts MATCH :query"
            if sqlite
            else "SELECT id FROM articles WHERE search @@ to_tsquery('simple', :query)"
        )
        return self._db.run(lambda s: set(s.scalars(query, {"query": joined})))

    def _read(self, ids: list[int], anew: set[int]) -> dict[int, StoredArticle]:
        """The articles of these ids still stored: those read or stored before from memory
        (a large period costs the query of its ids alone), the others and those `anew` from
        the database."""
        known = {i: a for i, a in self._cache.found(ids).items() if i not in anew}
        missing = [i for i in ids if i not in known]
        for start in range(0, len(missing), _IDS_PER_QUERY):
            chunk = missing[start : start + _IDS_PER_QUERY]
            query = select(ArticleRow).where(ArticleRow.id.in_(chunk))
            loaded = self._db.run(lambda s, q=query: {r.id: to_article(r) for r in s.scalars(q)})
            self._cache.remember(loaded)
            known |= loaded
        return known


def to_article(row: ArticleRow) -> StoredArticle:
    """The plain value of an article row."""
    return StoredArticle(
        id=row.id,
        title=row.title,
        text=row.text,
        source=row.source,
        author=row.author,
        published=row.published,
        received_at=row.received_at,
        language=row.language,
        also_from=tuple(s.source for s in row.sources if s.source != row.source),
    )


def _same_story_article(
    session: Session,
    signature: bytes,
    band_keys: Sequence[str],
    same_story: Callable[[bytes, bytes], bool],
) -> ArticleRow | None:
    """The oldest stored article sharing a band key whose signature `same_story` accepts."""
    candidates = session.execute(
        select(ArticleRow.id, ArticleRow.story_signature)
        .where(
            ArticleRow.id.in_(
                select(ArticleBandRow.article_id).where(ArticleBandRow.band_key.in_(band_keys))
            )
        )
        .order_by(ArticleRow.id)
    )
    for article_id, stored in candidates:
        if stored is not None and same_story(signature, stored):
            return session.get(ArticleRow, article_id)
    return None


def _add_source(
    session: Session, row: ArticleRow, source: str, sender: _Sender, added_at: datetime
) -> bool:
    """Add `source` to a stored article's sources unless it is one already; whether it was."""
    if source in {s.source for s in row.sources}:
        return False
    chat_id, user_id = sender
    row.sources.append(
        ArticleSourceRow(source=source, chat_id=chat_id, user_id=user_id, added_at=added_at)
    )
    session.flush()
    return True


def _insert_article(
    session: Session,
    draft: ArticleDraft,
    fingerprint: str,
    received_at: datetime,
    signature: bytes | None,
    sender: _Sender,
) -> ArticleRow:
    """A new article row for `draft`, with its source, flushed (so it has its id)."""
    row = ArticleRow(
        fingerprint=fingerprint,
        title=draft.title,
        text=draft.text,
        source=draft.source,
        author=draft.author,
        published=draft.published,
        received_at=received_at,
        language=draft.language,
        story_signature=signature,
        sources=[
            ArticleSourceRow(
                source=draft.source, chat_id=sender[0], user_id=sender[1], added_at=received_at
            )
        ],
    )
    session.add(row)
    session.flush()
    return row
