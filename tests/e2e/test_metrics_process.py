"""The long-running processes serve their metrics on `metrics_port`: `digestbot run` counts
the updates it handled, `digestbot worker` beats its heartbeat and reports the backlog."""

from __future__ import annotations

import re
import subprocess
import time

import httpx
import pytest

from bot.sandbox.process import digestbot_executable
from tests.e2e.harness import BotProcess
from tests.metrics import free_port

pytestmark = pytest.mark.e2e

CHAT = 4343


def scraped(port: int, sample: str, timeout_s: float = 60.0) -> float:
    """The value of `sample` (a name with its labels, as exposed) once the process shows it."""
    pattern = re.compile(rf"^{re.escape(sample)} (\S+)$", re.MULTILINE)
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            found = pattern.search(httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=5).text)
        except httpx.TransportError:
            found = None
        if found:
            return float(found.group(1))
        if time.monotonic() > deadline:
            raise AssertionError(f"{sample} not served on port {port}")
        time.sleep(0.5)


def test_the_bot_process_serves_its_metrics(fake, tmp_path):
    port = free_port()
    with BotProcess(fake, tmp_path, metrics_port=str(port), worker_in_process="false"):
        fake.send_and_wait(CHAT, "/help", timeout=30)

        assert scraped(port, 'digestbot_updates_total{outcome="handled"}') >= 1
        assert scraped(port, 'digestbot_telegram_calls_total{method="setMyCommands",status="ok"}')
        assert scraped(port, "digestbot_summaries_pending") == 0


def test_the_worker_process_serves_its_heartbeat_and_the_backlog(fake, tmp_path):
    port = free_port()
    with BotProcess(fake, tmp_path, worker_in_process="false") as bot:
        environment = bot.env | {"DIGESTBOT_METRICS_PORT": str(port)}
        worker = subprocess.Popen(
            [digestbot_executable(), "worker"], env=environment, cwd=tmp_path,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            beat = scraped(port, 'digestbot_worker_heartbeat_timestamp_seconds{worker="summaries"}')
            assert scraped(port, "digestbot_summaries_pending") == 0
        finally:
            worker.kill()
            worker.wait()

    assert time.time() - 120 < beat <= time.time()
