"""Jobs of a killed cluster worker: a worker SIGKILLed in the middle of a feed poll leaves its
job "doing", holding the feed's lock; another worker queues it again once the dead worker's
heartbeat is older than `worker_stalled_after_s`, so the feed is polled again. A job that
stalled `STALLED_RETRIES` times is failed instead."""

from __future__ import annotations

import asyncio
import signal
import time
from datetime import UTC, datetime

import procrastinate
import pytest
from sqlalchemy import text

from bench.cluster_workers import start_worker, wait_for_workers
from bot.cluster.queue import apply_queue_schema, conninfo
from bot.cluster.tasks import POLL_FEED_TASK, STALLED_RETRIES, retry_stalled_jobs
from tests.cluster.test_worker_processes import feed_xml
from tests.conftest import _fresh_postgres_store
from tests.pageserver import PageServer

pytestmark = pytest.mark.postgres

STALLED_AFTER_S = 3
REPOLL_DEADLINE_S = 40  # the dead worker's heartbeat goes stale, a retry fires, the poll runs


@pytest.mark.timeout(180)
def test_a_feed_whose_poll_was_killed_mid_fetch_is_polled_again(postgres_url, tmp_path):
    store = _fresh_postgres_store(postgres_url)
    apply_queue_schema(postgres_url)
    env = {
        "DIGESTBOT_FEED_TICK_S": "1",
        "DIGESTBOT_FETCH_ALLOWED_NETWORKS": '["127.0.0.0/8"]',
        "DIGESTBOT_FETCH_READ_TIMEOUT_S": "600",  # the first fetch hangs until the kill
        "DIGESTBOT_FETCH_TOTAL_TIMEOUT_S": "600",
        "DIGESTBOT_WORKER_STALLED_AFTER_S": str(STALLED_AFTER_S),
    }
    with PageServer() as server:
        url = server.stalled("/feed")
        store.feeds.add(url, title=url, added_by=1, interval_s=2, now=datetime.now(UTC))
        first = start_worker(postgres_url, 8, 0.0, tmp_path / "w1.log", env)
        try:
            _wait_for(lambda: _fetches(server) == 1, 60, "the first worker never fetched the feed")
            killed = _doing_poll_job(store)
            assert killed is not None
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
        server.page("/feed", feed_xml(1), content_type="application/rss+xml")
        second = start_worker(postgres_url, 8, 0.0, tmp_path / "w2.log", env)
        try:
            wait_for_workers(store, 1)
            started = time.monotonic()
            _wait_for(lambda: _fetches(server) >= 2, REPOLL_DEADLINE_S, "never polled again")
            repolled_after_s = time.monotonic() - started
            _wait_for(lambda: _status(store, killed) != "doing", 30, "the killed job stays doing")
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)
    print(f"feed polled again {repolled_after_s:.1f} s after the second worker started")
    assert _status(store, killed) in {"succeeded", "failed"}  # failed: a twin took its place
    store.close()


def test_stalled_jobs_are_queued_again_unless_too_often_or_a_twin_waits(postgres_url):
    store = _fresh_postgres_store(postgres_url)
    apply_queue_schema(postgres_url)
    jobs = [  # (queueing lock, status, attempts); worker_id NULL: their worker is gone
        ("feed:1", "doing", 0),
        ("feed:2", "doing", STALLED_RETRIES),
        ("feed:3", "doing", 0),
        ("feed:3", "todo", 0),  # queued by the dispatcher while the first feed:3 hung
    ]
    insert = text(
        "INSERT INTO procrastinate_jobs (queue_name, task_name, lock, queueing_lock, args,"
        " status, attempts) VALUES ('feeds', :task, :lock, :lock, '{}', :status, :attempts)"
    )
    with store.engine.begin() as connection:
        for lock, status, attempts in jobs:
            row = {"task": POLL_FEED_TASK, "lock": lock, "status": status, "attempts": attempts}
            connection.execute(insert, row)
    app = procrastinate.App(
        connector=procrastinate.PsycopgConnector(conninfo=conninfo(postgres_url))
    )

    async def retry() -> int:
        async with app.open_async():
            return await retry_stalled_jobs(app.job_manager, STALLED_AFTER_S)

    assert asyncio.run(retry()) == 1
    with store.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT lock, status::text FROM procrastinate_jobs ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [
        ("feed:1", "todo"),
        ("feed:2", "failed"),
        ("feed:3", "failed"),
        ("feed:3", "todo"),
    ]
    assert asyncio.run(retry()) == 0  # nothing left "doing"
    store.close()


def _fetches(server: PageServer) -> int:
    return sum(1 for _, path in list(server.timed_requests) if path == "/feed")


def _doing_poll_job(store) -> int | None:
    query = "SELECT id FROM procrastinate_jobs WHERE task_name = :task AND status = 'doing'"
    with store.engine.connect() as connection:
        return connection.execute(text(query), {"task": POLL_FEED_TASK}).scalar_one_or_none()


def _status(store, job_id: int) -> str:
    query = "SELECT status::text FROM procrastinate_jobs WHERE id = :id"
    with store.engine.connect() as connection:
        return connection.execute(text(query), {"id": job_id}).scalar_one()


def _wait_for(condition, timeout_s: float, failure: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, failure
        time.sleep(0.2)
