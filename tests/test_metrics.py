"""The metrics of the use cases and the store's backlog (bot.metrics), and their HTTP endpoint
on `metrics_port` (bot.wiring.serve_metrics). The Telegram edge's metrics are in
tests/handlers/test_metrics.py."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from prometheus_client import REGISTRY, generate_latest

from bot.app.feeds import poll_due_feeds
from bot.app.pushes import deliver_due
from bot.app.sending import SendOutcome, SendStatus
from bot.app.summaries import process_batch
from bot.config import ConfigError, Settings
from bot.metrics import watch_backlog, watch_queue
from bot.store import DatabaseUnavailable
from bot.wiring import serve_metrics
from tests.metrics import free_port, sample
from tests.pushes import RUSSIA, START, add, add_long_reports, push_services, subscribe


@pytest.fixture
def services(sqlite_store, fake_summarizer, fake_matcher):
    return push_services(sqlite_store, fake_summarizer, fake_matcher)


@pytest.fixture
def served(sqlite_store, fake_summarizer, fake_matcher):
    """The metrics endpoint of services on the SQLite store, on a free loopback port."""
    services = push_services(sqlite_store, fake_summarizer, fake_matcher, metrics_port=free_port())
    server, _ = serve_metrics(services)
    yield services
    server.shutdown()
    server.server_close()


def scrape(services) -> str:
    url = f"http://127.0.0.1:{services.settings.metrics_port}/metrics"
    answer = httpx.get(url, timeout=5)
    assert answer.status_code == 200
    return answer.text


def gauge(text: str, name: str) -> float:
    [line] = [line for line in text.splitlines() if line.startswith(f"{name} ")]
    return float(line.split()[1])


def test_the_metrics_port_serves_the_backlog_read_from_the_store_at_each_scrape(served):
    empty = scrape(served)
    subscribe(served)
    add(served, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    add(served, "Russia grain exports", RUSSIA + " Grain.", START)
    served.store.deliveries.begin(
        served.store.chats.subscriptions(7)[0].id,
        due_at=START, covered_until=START, parts=["a digest"],
    )  # fmt: skip

    busy = scrape(served)

    assert gauge(empty, "digestbot_summaries_pending") == 0
    assert gauge(empty, "digestbot_summaries_lag_seconds") == 0
    assert gauge(empty, "digestbot_pushes_due") == 0
    assert gauge(busy, "digestbot_summaries_pending") == 2
    assert gauge(busy, "digestbot_pushes_due") == 1
    assert gauge(busy, "digestbot_deliveries_unfinished") == 1
    since_start = (datetime.now(UTC) - START).total_seconds()
    oldest_article = since_start + timedelta(days=1).total_seconds()
    assert gauge(busy, "digestbot_summaries_lag_seconds") == pytest.approx(oldest_article, abs=60)
    assert gauge(busy, "digestbot_pushes_lag_seconds") == pytest.approx(since_start, abs=60)


def test_a_backlog_that_cannot_be_read_is_left_out_of_that_scrape_and_the_rest_kept(served):
    def database_down():
        raise DatabaseUnavailable("cannot open the database: connection refused")

    watch_backlog(database_down)
    text = scrape(served)

    assert "digestbot_summaries_pending" not in text
    assert "digestbot_updates_total" in text


def test_metrics_are_not_served_when_the_port_is_zero(services):
    assert services.settings.metrics_port == 0
    assert serve_metrics(services) is None


def test_a_metrics_port_in_use_is_a_setting_error(sqlite_store, fake_summarizer, fake_matcher):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        services = push_services(sqlite_store, fake_summarizer, fake_matcher, metrics_port=port)
        with pytest.raises(ConfigError, match=f"metrics_port = {port}"):
            serve_metrics(services)


def test_a_batch_counts_its_summaries_and_beats_the_worker_heartbeat(services):
    add(services, "Russia gas exports", RUSSIA, START)
    add(services, "Russia grain exports", RUSSIA + " Grain.", START)
    made = sample("digestbot_summaries_total", outcome="made")
    before = time.time()

    process_batch(services.store, services.summarizer, services.matcher, limit=8)

    assert sample("digestbot_summaries_total", outcome="made") == made + 2
    assert sample("digestbot_worker_heartbeat_timestamp_seconds", worker="summaries") >= before - 1


def test_a_failing_feed_poll_is_counted_by_its_outcome(sqlite_store):
    failed = sample("digestbot_feed_polls_total", outcome="failed")
    url = f"http://127.0.0.1:{free_port()}/feed.xml"  # nothing listens there
    sqlite_store.feeds.add(url, title="Gone", added_by=1, interval_s=60, now=START)
    settings = Settings(fetch_allowed_networks=["127.0.0.0/8"], fetch_connect_timeout_s=1)

    [result] = poll_due_feeds(sqlite_store, settings, START)

    assert result.outcome == "failed"
    assert sample("digestbot_feed_polls_total", outcome="failed") == failed + 1


class FlakySender:
    """Confirms the first message of each run, then asks to retry later."""

    async def send(self, chat_id, message, **kwargs) -> SendOutcome:
        self.calls = getattr(self, "calls", 0) + 1
        status = SendStatus.SENT if self.calls == 1 else SendStatus.RETRY_LATER
        return SendOutcome(status, chat_id)


async def test_a_delivery_resumed_on_a_later_tick_is_counted(services):
    subscribe(services)
    add_long_reports(services, 3)
    resumed = sample("digestbot_deliveries_resumed_total")

    await deliver_due(services, FlakySender(), now=START)
    assert sample("digestbot_deliveries_resumed_total") == resumed
    await deliver_due(services, FlakySender(), now=START + timedelta(seconds=30))

    assert sample("digestbot_deliveries_resumed_total") == resumed + 1


def test_a_task_queue_depth_is_read_at_each_scrape():
    depths = {("summaries", "todo"): 3, ("feeds", "doing"): 1}
    watch_queue(lambda: depths)
    assert sample("digestbot_queue_jobs", queue="summaries", status="todo") == 3

    depths[("summaries", "todo")] = 0
    assert sample("digestbot_queue_jobs", queue="summaries", status="todo") == 0
    watch_queue(lambda: {})


def test_a_queue_reader_that_fails_leaves_the_queue_out_of_that_scrape():
    def broken():
        raise RuntimeError("the queue's database is down")

    watch_queue(broken)
    text = generate_latest(REGISTRY).decode()
    watch_queue(lambda: {})

    assert "digestbot_queue_jobs" not in text and "digestbot_updates" in text
