"""The jobs `digestbot worker` runs in cluster mode, registered on a procrastinate App over
the worker's services.

- `digestbot.summarize` (queue "summaries"): claims one batch of articles lacking a summary
  and summarizes it. When the batch is full (more may wait), it queues its successor before
  the model runs, so idle workers join in at once and each keeps batching.
- `digestbot.reconcile_summaries` (periodic): queues a summary job when an article still
  lacks a summary by the current model (a job that failed, a model changed since).
- `digestbot.dispatch_feeds` (periodic, queue "feeds"): queues one poll job per due feed;
  the database stays the schedule (`next_poll_at`).
- `digestbot.poll_feed` (queue "feeds"): polls one feed if it is still due. Its lock keeps two
  polls of a feed from running at once, its queueing lock keeps a second from waiting.
- `digestbot.retry_stalled` (periodic, queue "feeds"): a job left "doing" by a worker that
  stopped sending heartbeats (killed, its host gone) is queued again, or failed after
  `STALLED_RETRIES` such retries (a job that kills its worker every time) or when a twin
  (same queueing lock) waits already. Without it the job
  would stay "doing" forever, and a feed's poll job would hold the feed's lock: procrastinate
  runs no other job with that lock, so the feed would never be polled again.

`TASK_GROUPS` lists what a worker registers; a group adds its tasks and periodic tasks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime

import procrastinate
from procrastinate.exceptions import UniqueViolation
from procrastinate.jobs import Status
from procrastinate.manager import JobManager

from bot.app.feeds import PollResult, poll_feed_if_due
from bot.app.services import Services
from bot.app.summaries import process_batch
from bot.cluster.queue import (
    SUMMARIZE_TASK,
    SUMMARY_QUEUE,
    defer_once_async,
    summary_deferrer,
)

log = logging.getLogger(__name__)

FEED_QUEUE = "feeds"
RECONCILE_TASK = "digestbot.reconcile_summaries"
DISPATCH_FEEDS_TASK = "digestbot.dispatch_feeds"
POLL_FEED_TASK = "digestbot.poll_feed"
RETRY_STALLED_TASK = "digestbot.retry_stalled"
RECONCILE_EVERY_S = 60
STALLED_RETRIES = 3


def cron_every(seconds: float) -> str:
    """A procrastinate cron line firing about every `seconds`: seconds under a minute (then
    a divisor of 60 at most `seconds`), whole minutes up to an hour, else hourly."""
    if seconds < 60:
        step = max(s for s in range(1, 61) if 60 % s == 0 and s <= max(1, int(seconds)))
        return f"* * * * * */{step}"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"*/{minutes} * * * *"
    return "0 * * * *"


def register_summary_tasks(app: procrastinate.App, services: Services) -> None:
    """The summary job and its periodic reconciler."""
    store, summarizer, matcher = services.store, services.summarizer, services.matcher
    batch_size = services.settings.worker_batch_size

    @app.task(name=SUMMARIZE_TASK, queue=SUMMARY_QUEUE)
    async def summarize() -> int:
        loop = asyncio.get_running_loop()

        def claimed(size: int) -> None:
            if size == batch_size:  # more may wait: let an idle worker take the next batch
                queue_next = defer_once_async(summary_deferrer(app))
                asyncio.run_coroutine_threadsafe(queue_next, loop).result()

        outcomes = await asyncio.to_thread(
            process_batch,
            store,
            summarizer,
            matcher,
            limit=batch_size,
            on_claimed=claimed,
        )
        return len(outcomes)

    @app.periodic(cron=cron_every(RECONCILE_EVERY_S), periodic_id="reconcile")
    @app.task(name=RECONCILE_TASK, queue=SUMMARY_QUEUE, queueing_lock=RECONCILE_TASK)
    async def reconcile(timestamp: int) -> bool:
        pending = await asyncio.to_thread(store.summaries.missing, summarizer.model_key, 1)
        return bool(pending) and await defer_once_async(summary_deferrer(app))


def register_feed_tasks(app: procrastinate.App, services: Services) -> None:
    """The periodic feed dispatcher and the poll of one feed."""
    store, settings = services.store, services.settings

    @app.task(name=POLL_FEED_TASK, queue=FEED_QUEUE)
    async def poll(feed_id: int) -> bool:
        def poll_now() -> PollResult | None:  # the clock read when the poll starts, in its thread
            return poll_feed_if_due(store, settings, feed_id, datetime.now(UTC))

        return await asyncio.to_thread(poll_now) is not None

    @app.periodic(cron=cron_every(settings.feed_tick_s), periodic_id="feeds")
    @app.task(name=DISPATCH_FEEDS_TASK, queue=FEED_QUEUE, queueing_lock=DISPATCH_FEEDS_TASK)
    async def dispatch(timestamp: int) -> int:
        due = await asyncio.to_thread(store.feeds.due, datetime.now(UTC))
        queued = 0
        for feed in due:
            key = f"feed:{feed.id}"
            deferrer = poll.configure(lock=key, queueing_lock=key)
            queued += await defer_once_async(deferrer, feed_id=feed.id)
        return queued


def register_stalled_job_task(app: procrastinate.App, services: Services) -> None:
    """The periodic retry of jobs whose worker stopped sending heartbeats."""
    stalled_after_s = services.settings.worker_stalled_after_s

    @app.periodic(cron=cron_every(stalled_after_s / 2), periodic_id="stalled")
    @app.task(name=RETRY_STALLED_TASK, queue=FEED_QUEUE, queueing_lock=RETRY_STALLED_TASK)
    async def retry_stalled(timestamp: int) -> int:
        return await retry_stalled_jobs(app.job_manager, stalled_after_s)


async def retry_stalled_jobs(manager: JobManager, stalled_after_s: float) -> int:
    """Queue again each job whose worker sent no heartbeat for `stalled_after_s`; how many were
    queued again. One that stalled `STALLED_RETRIES` times is failed, and so is one whose twin
    (its queueing lock) waits already: that twin does its work once the lock is free."""
    retried = 0
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after_s):
        if job.attempts < STALLED_RETRIES:
            try:
                await manager.retry_job(job)
            except UniqueViolation:
                log.info("job %d (%s) stalled; a twin waits", job.id, job.task_name)
            else:
                log.warning("job %d (%s) stalled: queued again", job.id, job.task_name)
                retried += 1
                continue
        else:
            log.warning("job %d (%s) stalled again: failed", job.id, job.task_name)
        await manager.finish_job(job, Status.FAILED, delete_job=False)
    return retried


# What a cluster worker runs; add a group here (e.g. the fleet-wide push run).
TASK_GROUPS: tuple[Callable[[procrastinate.App, Services], None], ...] = (
    register_summary_tasks,
    register_feed_tasks,
    register_stalled_job_task,
)
# The queues a worker serves, and how many of their jobs it runs at once: summaries one batch
# at a time (the model takes the cores), feed polls mostly wait on the network.
QUEUE_CONCURRENCY = {SUMMARY_QUEUE: 1, FEED_QUEUE: 8}
