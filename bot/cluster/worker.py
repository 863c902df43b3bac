"""`digestbot worker` in cluster mode: procrastinate workers in this process, one per queue
(`QUEUE_CONCURRENCY`), running the jobs of `TASK_GROUPS` until SIGINT or SIGTERM, which let
the running jobs finish first (a summary batch's claim is released by its commit or rollback
in any case)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import procrastinate

from bot.app.services import Services
from bot.cluster.queue import apply_queue_schema, conninfo, queue_depth
from bot.cluster.tasks import QUEUE_CONCURRENCY, TASK_GROUPS
from bot.metrics import watch_queue

log = logging.getLogger(__name__)

SHUTDOWN_GRACE_S = 60.0  # a running job gets this long to finish after SIGTERM
# heartbeats a live worker sends within `worker_stalled_after_s`: a few missed (a busy event
# loop, a slow database) do not make its jobs look stalled
HEARTBEATS_PER_STALL = 4


def worker_app(services: Services) -> procrastinate.App:
    """A procrastinate App on the services' database with every cluster task registered."""
    connector = procrastinate.PsycopgConnector(
        conninfo=conninfo(services.settings.effective_database_url)
    )
    app = procrastinate.App(connector=connector)
    for register in TASK_GROUPS:
        register(app, services)
    return app


def run_cluster_worker(services: Services) -> None:
    """Apply the queue's schema if missing, then run the jobs until SIGINT or SIGTERM; the
    queue's depth is reported with the metrics (`digestbot_queue_jobs`)."""
    database_url = services.settings.effective_database_url
    apply_queue_schema(database_url)
    watch_queue(lambda: queue_depth(database_url))
    asyncio.run(_run(worker_app(services), services.settings.worker_stalled_after_s))


async def _run(app: procrastinate.App, stalled_after_s: float) -> None:
    async with app.open_async():
        workers = asyncio.gather(
            *(
                app.run_worker_async(
                    queues=[queue],
                    concurrency=concurrency,
                    name=f"digestbot-{queue}",
                    install_signal_handlers=False,
                    shutdown_graceful_timeout=SHUTDOWN_GRACE_S,
                    update_heartbeat_interval=stalled_after_s / HEARTBEATS_PER_STALL,
                    stalled_worker_timeout=stalled_after_s,
                )
                for queue, concurrency in QUEUE_CONCURRENCY.items()
            )
        )
        loop = asyncio.get_running_loop()
        for stop in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(stop, workers.cancel)
        log.info("cluster worker running: %s", ", ".join(QUEUE_CONCURRENCY))
        with contextlib.suppress(asyncio.CancelledError):
            await workers
        await _finish_stragglers()
        log.info("cluster worker stopped")


async def _finish_stragglers() -> None:
    """Let a job a worker fetched as it was stopping record its end before the pool closes.

    procrastinate 3.10 starts a job whose fetch was under way when the stop came and no longer
    waits for it, so it would otherwise fail on the closed pool (and stay "doing")."""
    current = asyncio.current_task()
    left = [t for t in asyncio.all_tasks() if t is not current and not t.done()]
    jobs = [t for t in left if t.get_name().startswith("process job")]
    if jobs:
        await asyncio.wait(jobs, timeout=SHUTDOWN_GRACE_S)
