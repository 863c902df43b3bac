"""What a metrics scrape costs the database: one `store.backlog.read` (bot/store/backlog.py) over a
large store.

    python bench/backlog_scrape.py [--articles 100000] [--database-url URL]

Fills a fresh database (a temporary SQLite file, or the PostgreSQL database named, whose public
schema is dropped first) with `--articles` articles, nine in ten of them summarized, then times
the backlog read each scrape of /metrics makes (the best of five). Prints the figure; nothing
is asserted.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.store import Store, open_store

MODEL = "bench-model"


def fresh_store(url: str | None, folder: Path) -> Store:
    if url is None:
        return open_store(f"sqlite:///{folder / 'backlog.sqlite3'}")
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return open_store(url)


def fill(store: Store, articles: int, now: datetime) -> None:
    """`articles` articles, one a second up to now; all but the newest tenth summarized."""
    naive_now = now.replace(tzinfo=None)
    with store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO articles (fingerprint, title, text, source, received_at) "
                "VALUES (:fingerprint, :title, 'A report.', 'bench', :received_at)"
            ),
            [
                {
                    "fingerprint": f"bench {i}",
                    "title": f"Report {i}",
                    "received_at": naive_now - timedelta(seconds=articles - i),
                }
                for i in range(articles)
            ],
        )
        ids = connection.scalars(text("SELECT id FROM articles ORDER BY id")).all()
        connection.execute(
            text(
                "INSERT INTO summaries (article_id, model_key, text, created_at) "
                "VALUES (:article_id, :model, 'A summary.', :created_at)"
            ),
            [
                {"article_id": i, "model": MODEL, "created_at": naive_now}
                for i in ids[: articles * 9 // 10]
            ],
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL database to fill (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        store = fresh_store(args.database_url, Path(folder))
        now = datetime.now(UTC)
        fill(store, args.articles, now)
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            backlog = store.backlog.read(MODEL, now)
            timings.append(time.perf_counter() - started)
        store.close()
    print(
        f"{store.engine.dialect.name}: {args.articles:,} articles, "
        f"{backlog.summaries_pending:,} pending: backlog read {min(timings) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
