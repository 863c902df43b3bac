"""The job queue of cluster mode: procrastinate's tables in the bot's PostgreSQL database, its
schema applied idempotently, and queueing jobs (summaries in the transaction that stores the
article, anything else on its own).

Each kind of job has a queueing lock, so at most one job of it waits at a time: a summary job
claims a whole batch of whatever lacks a summary (bot.app.summaries.process_batch), so one
waiting job covers every article stored meanwhile, and a second would find nothing left.
Queueing a job whose lock is taken is a no-op (`defer_once`); in the article's transaction it is
tried under a savepoint, because the refused insert would otherwise abort the transaction.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import procrastinate
import psycopg
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import JobDeferrer
from procrastinate.schema import SchemaManager

log = logging.getLogger(__name__)

SUMMARIZE_TASK = "digestbot.summarize"
SUMMARY_QUEUE = "summaries"
SUMMARY_WAITING = "summaries"  # the queueing lock of the summary job that waits
# Taken while the schema is checked and applied, so a `digestbot migrate` and workers starting
# at once apply it once (an arbitrary number, digestbot's own).
SCHEMA_LOCK_ID = 0x6469_6765_7374


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL
    (`postgresql+psycopg://user:pw@host/db` → `postgresql://user:pw@host/db`)."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", database_url)


def apply_queue_schema(database_url: str) -> bool:
    """Create procrastinate's tables and functions unless they exist; whether it created them.

    Safe to call from several processes at once (an advisory lock orders them)."""
    with psycopg.connect(conninfo(database_url)) as connection:
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_ID,))
        row = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row is not None and row[0] is not None:
            return False
        connection.execute(SchemaManager.get_schema())
    log.info("job queue schema created")
    return True


def queue_depth(database_url: str) -> dict[tuple[str, str], int]:
    """Jobs waiting or running, by (queue, status): what `digestbot_queue_jobs` reports."""
    query = (
        "SELECT queue_name, status::text, count(*) FROM procrastinate_jobs"
        " WHERE status IN ('todo', 'doing') GROUP BY 1, 2"
    )
    with psycopg.connect(conninfo(database_url)) as connection:
        return {(queue, status): count for queue, status, count in connection.execute(query)}


def defer_once(deferrer: JobDeferrer, **task_kwargs: Any) -> bool:
    """Queue a job unless one with its queueing lock waits already; whether it was queued."""
    try:
        deferrer.defer(**task_kwargs)
    except AlreadyEnqueued:
        return False
    return True


async def defer_once_async(deferrer: JobDeferrer, **task_kwargs: Any) -> bool:
    """`defer_once` for the event loop (the worker's tasks)."""
    try:
        await deferrer.defer_async(**task_kwargs)
    except AlreadyEnqueued:
        return False
    return True


def summary_deferrer(app: procrastinate.App, connection: Any | None = None) -> JobDeferrer:
    """The summary job, to be queued on `connection` (its transaction) or the app's own."""
    return app.configure_task(
        SUMMARIZE_TASK, queue=SUMMARY_QUEUE, queueing_lock=SUMMARY_WAITING, connection=connection
    )


class SummaryJobs:
    """Queues the summary job in the transaction that stores an article: the store calls
    `queue_in` there (`Articles.call_on_insert`), so a rolled-back article leaves no job and a
    committed one always has a job that will summarize it."""

    def __init__(self, database_url: str) -> None:
        # never opened: every job goes through the caller's connection
        connector = procrastinate.SyncPsycopgConnector(conninfo=conninfo(database_url))
        self._app = procrastinate.App(connector=connector)

    def queue_in(self, connection: psycopg.Connection, article_id: int) -> None:
        """Queue a summary job in `connection`'s open transaction unless one waits already."""
        try:
            with connection.transaction():  # a savepoint: a refused insert must not abort it
                summary_deferrer(self._app, connection).defer()
        except AlreadyEnqueued:
            log.debug("article %d: a waiting summary job will take it", article_id)
