"""The job queue of cluster mode: procrastinate's tables in the bot's PostgreSQL database, its
schema applied idempotently, and queueing jobs (summaries in the transaction that stores the
article, anything else on its own).

Each kind of job has a queueing lock, so at most one job of it waits at a time: a summary job
claims a whole batch of whatever lacks a summary (bot.app.summaries.process_batch), so one
waiting job covers every article stored meanwhile, and a second would find nothing left.
Queueing a job whose lock is taken is a no-op (`defer_once`); in the article's transaction it is
tried under a savepoint, because the refused insert would otherwise abort the transaction.

Procrastinate ships its schema and, for each release that changed it, SQL migration files, but
does not record which it applied: `apply_queue_schema` records the procrastinate version whose
schema the database holds (`digestbot_queue_schema`) and, after an upgrade, applies the newer
files in order — so `digestbot migrate` upgrades the queue with the bot's own tables.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
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
VERSION_TABLE = "digestbot_queue_schema"  # one row: the procrastinate release the schema is of
# A queue schema found without that row was made before it was recorded, by a release this
# project admits (pyproject: procrastinate>=3.10).
OLDEST_SUPPORTED = "3.10.0"
PROCRASTINATE_MIGRATIONS = Path(SchemaManager.get_migrations_path())


def conninfo(database_url: str) -> str:
    """The libpq connection string of a SQLAlchemy PostgreSQL URL
    (`postgresql+psycopg://user:pw@host/db` → `postgresql://user:pw@host/db`)."""
    return re.sub(r"^postgres(ql)?(\+\w+)?://", "postgresql://", database_url)


@dataclass(frozen=True)
class QueueSchemaChange:
    """What `apply_queue_schema` did: created the schema, applied migration files, or neither."""

    created: bool
    migrations: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.created:
            return "job queue schema created"
        if self.migrations:
            return "job queue schema migrated: " + ", ".join(self.migrations)
        return "job queue schema current"


def apply_queue_schema(
    database_url: str, *, migrations: Path = PROCRASTINATE_MIGRATIONS
) -> QueueSchemaChange:
    """Bring procrastinate's tables and functions to the installed procrastinate: create them on
    a new database, else apply the `migrations` files of releases newer than the one recorded
    (in name order: a release's "pre" files, then its "post" ones).

    Safe to call from several processes at once (an advisory lock orders them)."""
    with psycopg.connect(conninfo(database_url)) as connection:
        connection.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_ID,))
        connection.execute(f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (version text NOT NULL)")
        row = connection.execute("SELECT to_regclass('procrastinate_jobs')").fetchone()
        if row is None or row[0] is None:
            connection.execute(SchemaManager.get_schema())
            change = QueueSchemaChange(created=True)
        else:
            recorded = connection.execute(f"SELECT version FROM {VERSION_TABLE}").fetchone()
            since = _release_key(recorded[0] if recorded else OLDEST_SUPPORTED)
            newer = sorted(path for path in migrations.glob("*.sql") if path.name[:8] > since)
            for path in newer:
                connection.execute(path.read_text(encoding="utf-8"))
            change = QueueSchemaChange(created=False, migrations=tuple(p.name for p in newer))
        connection.execute(f"DELETE FROM {VERSION_TABLE}")
        connection.execute(f"INSERT INTO {VERSION_TABLE} VALUES (%s)", (procrastinate.__version__,))
    if change.created or change.migrations:
        log.info("%s (procrastinate %s)", change, procrastinate.__version__)
    return change


def _release_key(version: str) -> str:
    """A procrastinate version as its migration files' prefix: "3.10.0" → "03.10.00"."""
    parts = [int(re.match(r"\d+", part).group()) for part in version.split(".")[:3]]
    return ".".join(f"{part:02d}" for part in parts + [0] * (3 - len(parts)))


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
