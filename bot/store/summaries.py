"""Summaries and passage vectors, each per article and model (its key): saving them, reading
them, and which articles still lack a summary. Vectors read or saved are kept in memory (they
never change under one model key), so a digest reads only the ones it has not seen."""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from bot.core.domain import StoredArticle
from bot.store.articles import to_article
from bot.store.cache import MemoryCache
from bot.store.database import Database, DatabaseReadOnly, utc_now
from bot.store.rows import ArticleRow, ArticleVectorsRow, SummaryRow
from bot.store.statements import upsert, upsert_many

log = logging.getLogger(__name__)

# claims of a batch in one transaction when each met articles summarized meanwhile (each
# claim's fresh snapshot skips those; a second race in a row is rare, a third rarer still)
CLAIM_ATTEMPTS = 3


# What a worker does with a claimed batch: (summary, error) and passage vectors by article id.
SummarizeBatch = Callable[
    [list[StoredArticle]],
    tuple[dict[int, tuple[str | None, str | None]], dict[int, np.ndarray]],
]


class Summaries:
    """Summaries and passage vectors: `store.summaries`."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._vectors: MemoryCache[tuple[str, int], np.ndarray] = MemoryCache()

    @property
    def can_claim(self) -> bool:
        """Whether batches can be claimed (`summarize_claimed`: PostgreSQL's SKIP LOCKED), so
        that processes summarizing side by side never take the same article."""
        return self._db.dialect == "postgresql"

    def missing(self, model_key: str, limit: int) -> list[StoredArticle]:
        """Oldest articles without a summary (or recorded failure) by `model_key`."""
        query = (
            select(ArticleRow)
            .where(ArticleRow.id.not_in(self._done(model_key)))
            .order_by(ArticleRow.id)
            .limit(limit)
        )
        return self._db.run(lambda s: [to_article(r) for r in s.scalars(query)])

    def summarize_claimed(
        self, model_key: str, vectors_key: str, limit: int, summarize: SummarizeBatch
    ) -> list[StoredArticle]:
        """Claim up to `limit` of the oldest articles without a summary by `model_key`, hand
        them to `summarize` and save what it returns, in one transaction: each article's
        (summary, error), and the passage vectors (by `vectors_key`) of those it embedded.
        Returns the claimed articles.

        The claim is `FOR NO KEY UPDATE SKIP LOCKED` held until the summaries are saved, so
        workers side by side each take other articles (on PostgreSQL; SQLite has one writer).
        Plain FOR UPDATE would conflict with the key-share lock the summary inserts' foreign
        key checks take. See `_claim` for articles another worker finished meanwhile.
        """

        def work(session: Session) -> tuple[list[StoredArticle], dict[int, np.ndarray]]:
            articles = self._claim(session, model_key, limit)
            if not articles:
                return [], {}
            outcomes, vectors = summarize(articles)
            now = utc_now()
            summaries = [
                {"article_id": i, "model_key": model_key, "text": t, "error": e, "created_at": now}
                for i, (t, e) in outcomes.items()
            ]
            upsert_many(session, SummaryRow, ["article_id", "model_key"], summaries)
            arrays = {i: np.ascontiguousarray(v, dtype=np.float32) for i, v in vectors.items()}
            upsert_many(
                session,
                ArticleVectorsRow,
                ["article_id", "model_key"],
                [_vector_row(i, vectors_key, a) for i, a in arrays.items()],
            )
            return articles, arrays

        articles, arrays = self._db.run(work)
        self._vectors.remember({(vectors_key, i): a for i, a in arrays.items()})
        return articles

    def _claim(self, session: Session, model_key: str, limit: int) -> list[StoredArticle]:
        """Lock up to `limit` of the oldest articles without a summary by `model_key`.

        Another worker's batch, committed while the claim's query ran (after its snapshot,
        before its lock), is locked too, though summarized: a second look in a fresh snapshot
        finds such articles, and the claim is then made again, in a fresh snapshot that skips
        them and keeps the articles already locked. Dropping them alone would leave a short
        batch (often empty) although articles wait, so the summary job would queue no
        successor and the other workers would idle until the reconciler's next run."""
        for _ in range(CLAIM_ATTEMPTS):
            query = (
                select(ArticleRow)
                .where(ArticleRow.id.not_in(self._done(model_key)))
                .order_by(ArticleRow.id)
                .limit(limit)
                .options(selectinload(ArticleRow.sources))
                .with_for_update(skip_locked=True, key_share=True, of=ArticleRow)
            )
            rows = list(session.scalars(query))
            done = set(session.scalars(self._done(model_key, [r.id for r in rows])))
            if not done:
                break
            log.debug("claim of %d articles met %d summarized meanwhile", len(rows), len(done))
        return [to_article(r) for r in rows if r.id not in done]

    @staticmethod
    def _done(model_key: str, among: list[int] | None = None) -> Select:
        """Ids of the articles (`among` these) with a summary or failure by `model_key`."""
        query = select(SummaryRow.article_id).where(SummaryRow.model_key == model_key)
        return query if among is None else query.where(SummaryRow.article_id.in_(among))

    def save(
        self, article_id: int, model_key: str, *, text: str | None, error: str | None = None
    ) -> None:
        """Record the summary of an article by a model, or why the model failed on it."""
        keys = {"article_id": article_id, "model_key": model_key}
        values = {"text": text, "error": error, "created_at": utc_now()}
        self._db.run(lambda session: upsert(session, SummaryRow, keys, values))

    def texts(self, article_ids: list[int], model_key: str) -> dict[int, str | None]:
        """Summaries by `model_key` of the given articles (None where the model failed)."""
        if not article_ids:
            return {}
        query = select(SummaryRow.article_id, SummaryRow.text).where(
            SummaryRow.model_key == model_key, SummaryRow.article_id.in_(article_ids)
        )
        return self._db.run(lambda s: dict(s.execute(query).all()))

    def state(self, article_id: int, model_key: str) -> tuple[str | None, str | None]:
        """(summary, error) of one article by `model_key`; (None, None) while not yet made."""
        query = select(SummaryRow.text, SummaryRow.error).where(
            SummaryRow.article_id == article_id, SummaryRow.model_key == model_key
        )
        return self._db.run(lambda s: tuple(s.execute(query).first() or (None, None)))

    def save_vectors(self, article_id: int, model_key: str, vectors: np.ndarray) -> None:
        """Store an article's passage vectors for `model_key` (replacing older ones)."""
        array = np.ascontiguousarray(vectors, dtype=np.float32)
        row = _vector_row(article_id, model_key, array)
        try:
            self._db.run(
                lambda session: upsert_many(
                    session, ArticleVectorsRow, ["article_id", "model_key"], [row]
                )
            )
        except DatabaseReadOnly as exc:  # vectors are a cache: reading goes on without storing
            log.warning("passage vectors of article %d kept in memory only: %s", article_id, exc)
        self._vectors.remember({(model_key, article_id): array})

    def vectors(self, article_ids: list[int], model_key: str) -> dict[int, np.ndarray]:
        """Stored passage vectors by `model_key` of the given articles."""
        cached = self._vectors.found((model_key, i) for i in article_ids)
        found = {article_id: array for (_, article_id), array in cached.items()}
        missing = [i for i in article_ids if i not in found]
        if not missing:
            return found
        query = select(ArticleVectorsRow).where(
            ArticleVectorsRow.model_key == model_key, ArticleVectorsRow.article_id.in_(missing)
        )

        def work(session: Session) -> dict[int, np.ndarray]:
            return {
                row.article_id: np.frombuffer(row.data, dtype=np.float32).reshape(row.rows, row.dim)
                for row in session.scalars(query)
            }

        loaded = self._db.run(work)
        self._vectors.remember({(model_key, i): v for i, v in loaded.items()})
        return found | loaded


def _vector_row(article_id: int, model_key: str, array: np.ndarray) -> dict:
    """The column values of an article's stored passage vectors."""
    return {
        "article_id": article_id,
        "model_key": model_key,
        "rows": array.shape[0],
        "dim": array.shape[1],
        "data": array.tobytes(),
    }
