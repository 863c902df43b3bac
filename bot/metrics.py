"""The Prometheus metrics of every digestbot process: their one definition, on the default
registry of `prometheus-client`.

Counters and histograms move where the work happens (one line at each site); the backlog
(summaries pending, pushes due, unfinished deliveries) and a task queue's depth are read when
Prometheus scrapes, through the readers given to `watch_backlog` and `watch_queue`. Serving
them on `metrics_port` is bot.wiring's `serve_metrics`. Names and what to alert on: README,
"Cluster mode (PostgreSQL)".

Every process reads the same database, so the backlog gauges of several processes agree:
aggregate them with max(), not sum().
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TypeVar

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bot.core.domain import Backlog

log = logging.getLogger(__name__)
T = TypeVar("T")

UPDATES = Counter(
    "digestbot_updates",
    "Telegram updates processed, by outcome: handled, refused (the access gate) or failed "
    "(a handler raised; the error handler answered)",
    ["outcome"],
)
WEBHOOK_POSTS = Counter(
    "digestbot_webhook_posts",
    "Updates POSTed to this webhook replica, by outcome: taken, duplicate (taken before, here "
    "or by another replica: dropped), forbidden (wrong secret), malformed, unavailable (the "
    "database could not record it: 503, Telegram resends)",
    ["outcome"],
)
UPDATE_SECONDS = Histogram(
    "digestbot_update_duration_seconds",
    "Time from an update's turn (its chat's earlier updates done) to the end of its handling",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
TELEGRAM_CALLS = Counter(
    "digestbot_telegram_calls",
    "Bot API requests (all but getUpdates), by method and status: ok, or the error's class "
    "(RetryAfter is a 429, Forbidden a 403, BadRequest a 400, TimedOut, NetworkError, ...)",
    ["method", "status"],
)
FLOOD_WAITS = Counter(
    "digestbot_telegram_flood_waits",
    "429 answers, by scope: shared (a short wait every request sat out) or chat (a long wait "
    "that fails that chat's requests until it is over)",
    ["scope"],
)
FLOOD_WAIT_SECONDS = Counter(
    "digestbot_telegram_flood_wait_seconds",
    "Seconds Telegram asked to wait in its 429 answers, by scope",
    ["scope"],
)
UNCERTAIN_RESENDS = Counter(
    "digestbot_telegram_uncertain_resends",
    "Digest messages sent again after a timeout or dropped connection: each may show twice",
)
SUMMARIES = Counter(
    "digestbot_summaries",
    "Summaries stored by this process, by outcome: made, or failed (the error is recorded)",
    ["outcome"],
)
DELIVERIES_RESUMED = Counter(
    "digestbot_deliveries_resumed",
    "Deliveries resumed at their first unconfirmed message (after a restart, a flood wait or "
    "a network failure); that message may reach its chat twice",
)
FEED_POLLS = Counter(
    "digestbot_feed_polls",
    "Feed polls, by outcome: new_articles, unchanged, not_modified (304) or failed",
    ["outcome"],
)
WORKER_HEARTBEAT = Gauge(
    "digestbot_worker_heartbeat_timestamp_seconds",
    "Unix time a worker loop last started a pass, by worker",
    ["worker"],
)

_update_outcome: ContextVar[list[str] | None] = ContextVar("update_outcome", default=None)


@contextmanager
def observe_update() -> Iterator[list[str]]:
    """Time the handling of one update and count it by outcome: handled, unless
    `note_update_outcome` (from the handlers, in the same task) or an exception says otherwise.
    Gives the outcome as a one-item list, final once the block is done (the command log reads
    it)."""
    outcome = ["handled"]
    token = _update_outcome.set(outcome)
    started = time.perf_counter()
    try:
        yield outcome
    except BaseException:
        outcome[0] = "failed"
        raise
    finally:
        _update_outcome.reset(token)
        UPDATE_SECONDS.observe(time.perf_counter() - started)
        UPDATES.labels(outcome[0]).inc()


def note_update_outcome(outcome: str) -> None:
    """Set the outcome of the update being handled (refused, failed); outside one, nothing."""
    if (current := _update_outcome.get()) is not None:
        current[0] = outcome


@contextmanager
def telegram_call(method: str) -> Iterator[None]:
    """Count one Bot API request by its status: ok, or the class of the error it raised."""
    try:
        yield
    except Exception as exc:
        TELEGRAM_CALLS.labels(method, type(exc).__name__).inc()
        raise
    TELEGRAM_CALLS.labels(method, "ok").inc()


def note_flood_wait(wait_s: float, *, chat_only: bool) -> None:
    """Count a 429 answer and the seconds it asked for."""
    scope = "chat" if chat_only else "shared"
    FLOOD_WAITS.labels(scope).inc()
    FLOOD_WAIT_SECONDS.labels(scope).inc(wait_s)


def watch_backlog(read: Callable[[], Backlog]) -> None:
    """Read the backlog with `read` at each scrape; replaces the reader given before. A reader
    that raises (the database is down) is logged and its gauges left out of that scrape."""
    _replace("backlog", _BacklogCollector(read))


def watch_queue(read: Callable[[], Mapping[tuple[str, str], int]]) -> None:
    """Report a task queue's depth at each scrape as `digestbot_queue_jobs{queue, status}`:
    `read` answers the number of jobs per (queue name, status); replaces the reader given
    before, and is treated like the backlog's when it raises."""
    _replace("queue", _QueueCollector(read))


_watchers: dict[str, Collector] = {}


def _replace(name: str, collector: Collector) -> None:
    if (previous := _watchers.pop(name, None)) is not None:
        REGISTRY.unregister(previous)
    REGISTRY.register(collector)
    _watchers[name] = collector


class _BacklogCollector(Collector):
    """The backlog gauges, read from the store when Prometheus scrapes."""

    def __init__(self, read: Callable[[], Backlog]) -> None:
        self._read = read

    def describe(self) -> list:
        return []  # nothing read at registration: the store is asked at scrape time only

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if (backlog := _scraped("the backlog", self._read)) is None:
            return
        now = datetime.now(UTC)
        yield _gauge(
            "digestbot_summaries_pending",
            "Articles without a summary (or recorded failure) by the current model",
            backlog.summaries_pending,
        )
        yield _gauge(
            "digestbot_summaries_lag_seconds",
            "Age of the oldest article still waiting for its summary (0: none waits)",
            _age_s(backlog.oldest_pending_article, now),
        )
        yield _gauge(
            "digestbot_pushes_due",
            "Subscriptions of active chats whose run time has passed",
            backlog.pushes_due,
        )
        yield _gauge(
            "digestbot_pushes_lag_seconds",
            "How long the most overdue push is past its run time (0: none is due)",
            _age_s(backlog.oldest_due_push, now),
        )
        yield _gauge(
            "digestbot_deliveries_unfinished",
            "Deliveries begun and not finished (sending, or waiting to resume)",
            backlog.unfinished_deliveries,
        )


class _QueueCollector(Collector):
    """A task queue's jobs per queue and status, read when Prometheus scrapes."""

    def __init__(self, read: Callable[[], Mapping[tuple[str, str], int]]) -> None:
        self._read = read

    def describe(self) -> list:
        return []

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if (depths := _scraped("the queue depth", self._read)) is None:
            return
        family = GaugeMetricFamily(
            "digestbot_queue_jobs", "Jobs in the task queue, by queue and status",
            labels=["queue", "status"],
        )  # fmt: skip
        for (queue, status), count in sorted(depths.items()):
            family.add_metric([queue, status], count)
        yield family


def _scraped(what: str, read: Callable[[], T]) -> T | None:
    """What `read` answers, or None (logged) when it fails: one scrape goes without it."""
    try:
        return read()
    except Exception as exc:
        log.warning("metrics: could not read %s: %s", what, exc)
        return None


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


def _age_s(since: datetime | None, now: datetime) -> float:
    return 0.0 if since is None else max((now - since).total_seconds(), 0.0)
