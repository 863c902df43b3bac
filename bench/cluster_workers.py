"""Cluster mode's summary workers on PostgreSQL: how the time to summarize a backlog falls with
1, 2 and 3 `digestbot worker` processes.

    python bench/cluster_workers.py [--articles 10000] [--workers 1 2 3]
        [--batch-size 100] [--batch-cost-s 0.5] [--url postgresql+psycopg://...]

Each run starts on a fresh database (created on the server of --url, dropped at the end):
N articles are stored in bulk, the worker processes are started and, once all have registered
with the queue, one summary job is queued (as the reconciler would for a backlog). Each worker
is the real cluster worker (`bot.cluster.worker.run_cluster_worker`: procrastinate, the batch
claim, the successor job queued on a full batch) with a fake model of fixed cost: every batch
sleeps --batch-cost-s, so the figures measure the claiming and queueing, not the CPU. Each
worker logs the titles it summarized; the run reports the seconds until every article had a
summary, the summaries computed, those computed twice, and those left.

`measure` is what tests/cluster/test_worker_processes.py runs at a smaller scale.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_URL = os.environ.get(
    "DIGESTBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MODEL_KEY = "bench:fixed-cost"
START_TIMEOUT_S = 60.0


class ConstantEncoder:
    """Eight-dimensional vectors, the same for every text: the encoder's cost left out."""

    name = "bench-constant"
    max_tokens = window_tokens = 256
    dim = 8

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def encode(self, texts: list[str]) -> np.ndarray:
        return np.full((len(texts), self.dim), 1 / np.sqrt(self.dim), dtype=np.float32)


class FixedCostSummarizer:
    """Sleeps `batch_cost_s` per batch, logs the titles it summarized, returns the titles."""

    model_key = MODEL_KEY

    def __init__(self, batch_cost_s: float, log_path: Path) -> None:
        self.batch_cost_s = batch_cost_s
        self.log_path = log_path

    def summarize_embedded(self, articles) -> list[str]:
        time.sleep(self.batch_cost_s)
        with self.log_path.open("a", encoding="utf-8") as log:
            log.writelines(f"{a.title}\n" for a in articles)
        return [a.title for a in articles]


@dataclass(frozen=True)
class Run:
    """One measured run."""

    workers: int
    seconds: float
    computed: int
    twice: int
    left: int


def serve(url: str, batch_size: int, batch_cost_s: float, log_path: Path) -> None:
    """Run one cluster worker with the fixed-cost model until SIGTERM."""
    from bot.app.services import Services
    from bot.cluster.worker import run_cluster_worker
    from bot.config import Settings
    from bot.store import open_store
    from summarizer.topics.matcher import TopicMatcher

    settings = Settings(
        database_url=url, queue="procrastinate", worker_batch_size=batch_size, topic_categories=[]
    )
    services = Services(
        settings=settings,
        store=open_store(url),
        summarizer=FixedCostSummarizer(batch_cost_s, log_path),
        matcher=TopicMatcher(ConstantEncoder()),
    )
    run_cluster_worker(services)


def measure(url: str, *, workers: int, articles: int, batch_size: int, batch_cost_s: float) -> Run:
    """Summarize `articles` stored articles with `workers` worker processes on a fresh
    database of the server at `url`."""
    from sqlalchemy import text

    from bot.store import open_store

    with tempfile.TemporaryDirectory() as folder, _fresh_database(url) as db_url:
        store = open_store(db_url)
        _store_articles(store, articles)
        logs = [Path(folder) / f"worker{i}.log" for i in range(workers)]
        processes = [start_worker(db_url, batch_size, batch_cost_s, log) for log in logs]
        try:
            wait_for_workers(store, workers)
            started = time.perf_counter()
            _queue_summary_job(db_url)
            seconds = _wait_until_summarized(store, articles, processes) - started
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=60)
        with store.engine.connect() as connection:
            done = connection.execute(
                text("SELECT count(*) FROM summaries WHERE model_key = :key"), {"key": MODEL_KEY}
            ).scalar_one()
        store.close()
        titles = Counter(t for log in logs if log.exists() for t in log.read_text().split())
    return Run(
        workers=workers,
        seconds=seconds,
        computed=sum(titles.values()),
        twice=sum(count - 1 for count in titles.values() if count > 1),
        left=articles - done,
    )


class _fresh_database:
    """A database of its own on the server of `url`, dropped on exit."""

    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, make_url

        self.name = f"digestbot_bench_{os.getpid()}"
        self.url = make_url(url).set(database=self.name).render_as_string(hide_password=False)
        self.server = create_engine(url, isolation_level="AUTOCOMMIT")

    def __enter__(self) -> str:
        self._execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        self._execute(f"CREATE DATABASE {self.name}")
        return self.url

    def __exit__(self, *exc_info) -> None:
        self._execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")
        self.server.dispose()

    def _execute(self, statement: str) -> None:
        from sqlalchemy import text

        with self.server.connect() as connection:
            connection.execute(text(statement))


def _store_articles(store, count: int) -> None:
    """`count` short articles, stored in bulk (their summary jobs are queued by the run)."""
    from sqlalchemy import insert

    from bot.store.rows import ArticleRow

    now = datetime.now(UTC)
    rows = [
        {
            "fingerprint": f"bench-{i}",
            "title": f"article-{i}",
            "text": f"Article {i} opens here. It goes on for a second sentence.",
            "source": f"bench/{i}",
            "received_at": now,
        }
        for i in range(count)
    ]
    with store.engine.begin() as connection:
        connection.execute(insert(ArticleRow), rows)


def start_worker(
    url: str, batch_size: int, batch_cost_s: float, log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen:
    """A cluster worker process with the fixed-cost model; `env` adds settings (DIGESTBOT_*)."""
    # imported rather than run as __main__, where procrastinate would warn about its App
    call = f"serve({url!r}, {batch_size}, {batch_cost_s}, Path({str(log)!r}))"
    imports = "from pathlib import Path; from bench.cluster_workers import serve"
    command = [sys.executable, "-c", f"{imports}; {call}"]
    return subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})}
    )


def wait_for_workers(store, count: int) -> None:
    """Until `count` processes run their summary workers (registered with procrastinate)."""
    from sqlalchemy import text

    deadline = time.monotonic() + START_TIMEOUT_S
    query = text("SELECT count(*) FROM procrastinate_workers")
    while time.monotonic() < deadline:
        try:
            with store.engine.connect() as connection:
                if connection.execute(query).scalar_one() >= 2 * count:  # two queues each
                    return
        except Exception:  # the first worker is still creating the queue's tables
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{count} workers did not start within {START_TIMEOUT_S:.0f} s")


def _queue_summary_job(url: str) -> None:
    import procrastinate

    from bot.cluster.queue import conninfo, defer_once, summary_deferrer

    app = procrastinate.App(connector=procrastinate.SyncPsycopgConnector(conninfo=conninfo(url)))
    with app.open():
        defer_once(summary_deferrer(app))


def _wait_until_summarized(store, count: int, processes: list[subprocess.Popen]) -> float:
    """The time at which every article had a summary."""
    from sqlalchemy import text

    query = text("SELECT count(*) FROM summaries WHERE model_key = :key")
    while True:
        with store.engine.connect() as connection:
            if connection.execute(query, {"key": MODEL_KEY}).scalar_one() >= count:
                return time.perf_counter()
        if any(p.poll() is not None for p in processes):
            raise RuntimeError("a worker process ended before the articles were summarized")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--batch-cost-s", type=float, default=0.5)
    args = parser.parse_args()
    print(f"{args.articles} articles, batches of {args.batch_size} at {args.batch_cost_s} s")
    base = None
    for workers in args.workers:
        run = measure(
            args.url,
            workers=workers,
            articles=args.articles,
            batch_size=args.batch_size,
            batch_cost_s=args.batch_cost_s,
        )
        base = base or run.seconds
        print(
            f"{workers} workers: {run.seconds:6.1f} s ({base / run.seconds:.2f}x), "
            f"{run.computed} computed, {run.twice} twice, {run.left} left"
        )


if __name__ == "__main__":
    main()
