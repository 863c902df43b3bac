"""The summary worker as its own process: the bot (worker_in_process = false) only stores and
reads; `digestbot worker` summarizes; the bot then edits the summary into its reply."""

from __future__ import annotations

import pytest

from bot.sandbox.fakebot import FakeBotAPI
from tests.e2e.harness import FIXTURES, BotProcess

pytestmark = pytest.mark.e2e

CHAT = 4242


@pytest.fixture
def bot(fake, tmp_path):
    with BotProcess(fake, tmp_path, worker_in_process="false") as process:
        yield process


def reply_text(fake: FakeBotAPI, message_id: int) -> str:
    return next(m.plain_text for m in fake.messages(CHAT) if m.message_id == message_id)


def test_a_worker_process_makes_the_summary_the_bot_then_edits_in(fake, bot):
    text = (FIXTURES / "kremlin_energy.txt").read_text()
    [reply] = fake.send_and_wait(CHAT, text, count=1, timeout=30)
    assert "Summarizing" in reply.plain_text

    worker = bot.cli("worker", "--once")

    assert worker.returncode == 0, worker.stderr
    assert "1 articles summarized." in worker.stdout
    fake.wait_for(
        lambda: "Summarizing" not in reply_text(fake, reply.message_id),
        timeout=30,
        what="the summary to be edited in",
    )
    assert "Kremlin" in reply_text(fake, reply.message_id).split("\n\n", 1)[1]
