"""A fleet of push processes on one PostgreSQL database, against the fake Bot API enforcing
Telegram's flood limits (30 messages/s overall, 1/s per chat, 429 past them): what the fleet
tests (test_delivery_fleet.py) and bench/push_fleet.py run and measure.

`subscribe_chats` makes N private chats, each subscribed to "russia" and due at once, and stores
one article about Russia, so every subscription has one digest message to push. A `Fleet`
starts push processes (a command given by the caller: `digestbot pusher`, or the tests' own
tests/e2e/pusher.py), finds the one holding the push lease, kills it, and stops them all;
`figures` reads what the fake received.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert

from bot.app.pushes import PUSH_LEASE
from bot.core.domain import ArticleDraft
from bot.sandbox.fakebot import FakeBotAPI
from bot.sandbox.process import bot_environment
from bot.store import Store, open_store
from bot.store.rows import ChatRow, SubscriptionRow
from tests.pushes import RUSSIA
from tests.tables import count_sent_deliveries, lease_holder

REPO = Path(__file__).resolve().parents[2]

CHATS_VARIABLE = "DIGESTBOT_CLUSTER_CHATS"  # how many chats, where the caller reads it
FLEET_SETTINGS = {"scheduler_tick_s": "1", "arrival_settle_s": "0"}
STOP_TIMEOUT_S = 30
BULK_ROWS = 10_000


def chats_wanted(default: int) -> int:
    """The number of chats: DIGESTBOT_CLUSTER_CHATS, else `default`."""
    return int(os.environ.get(CHATS_VARIABLE, default))


def subscribe_chats(store: Store, fake: FakeBotAPI, chats: int) -> None:
    """Chats 1..`chats` (private, known to the fake), each subscribed to "russia" and due a
    minute ago, and one article about Russia that arrived since their last digest. The rows are
    written in bulk (what `store.chats.ensure` and `subscribe` write, 10,000 at a time)."""
    due = datetime.now(UTC) - timedelta(minutes=1)
    for chat_id in range(1, chats + 1):
        fake.add_chat(chat_id)
    chat_rows = [
        {"id": chat_id, "timezone": "UTC", "active": True, "created_at": due}
        for chat_id in range(1, chats + 1)
    ]
    subscription_rows = [
        {
            "chat_id": chat_id,
            "topic": "russia",
            "schedule": "weekly mon 09:00",
            "next_run_at": due,
            "covered_until": due - timedelta(days=7),
            "created_at": due,
        }
        for chat_id in range(1, chats + 1)
    ]
    with store.engine.begin() as connection:
        for start in range(0, chats, BULK_ROWS):
            connection.execute(insert(ChatRow), chat_rows[start : start + BULK_ROWS])
            connection.execute(
                insert(SubscriptionRow), subscription_rows[start : start + BULK_ROWS]
            )
    draft = ArticleDraft(title="Russia gas exports", text=RUSSIA, source="fleet.txt")
    store.articles.add(draft, fingerprint="fleet", received_at=due)


class Fleet:
    """Push processes started with `command`, each logging to `data_dir/pusher-<n>.log`."""

    def __init__(
        self, fake: FakeBotAPI, data_dir: Path, database_url: str, command: list[str]
    ) -> None:
        self.data_dir = data_dir
        self.command = command
        self.env = bot_environment(fake, data_dir, database_url=database_url, **FLEET_SETTINGS)
        self.env["PYTHONPATH"] = str(REPO)  # the push processes run test modules (tests.e2e)
        self.store = open_store(database_url)
        self.processes: list[subprocess.Popen] = []

    def start(self, count: int, *args: str) -> None:
        """Start `count` more push processes (with `args` after the command)."""
        for _ in range(count):
            path = self.data_dir / f"pusher-{len(self.processes)}.log"
            with path.open("a") as log:
                self.processes.append(
                    subprocess.Popen(
                        [*self.command, *args],
                        env=self.env,
                        cwd=self.data_dir,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )

    def log(self, index: int) -> str:
        return (self.data_dir / f"pusher-{index}.log").read_text()

    def sent(self) -> int:
        """Deliveries recorded as sent so far."""
        return count_sent_deliveries(self.store)

    def holder(self) -> int:
        """The index of the process holding the push lease."""
        holder = lease_holder(self.store, PUSH_LEASE) or ""
        pids = [process.pid for process in self.processes]
        return next(i for i, pid in enumerate(pids) if f" pid {pid} " in holder)

    def kill(self, index: int) -> None:
        """SIGKILL one process and wait for it."""
        self.processes[index].send_signal(signal.SIGKILL)
        self.processes[index].wait()

    def wait_until(self, predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
        """Poll until `predicate()`; TimeoutError (with the logs' ends) after `timeout_s`, or
        at once when every process has exited."""
        deadline = time.monotonic() + timeout_s
        while not predicate():
            running = any(p.poll() is None for p in self.processes)
            if not running or time.monotonic() > deadline:
                tails = "\n".join(self.log(i)[-2000:] for i in range(len(self.processes)))
                raise TimeoutError(f"waited {timeout_s:.0f} s for {what}:\n{tails}")
            time.sleep(0.5)

    def stop(self) -> None:
        """SIGTERM every process still running and wait for it (SIGKILL past a timeout)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.store.close()


@dataclass
class Figures:
    """What the fake received for chats 1..`chats`."""

    chats: int
    sent: int  # messages accepted
    seconds: float  # from the first accepted message to the last
    # messages accepted in the busiest sliding second, by their arrival at the fake: the fake
    # itself admits at most 30 in any second, as Telegram does, and answers 429 past that
    most_in_a_second: int
    flood_answers: int  # sends answered 429
    lost: int  # chats that got no digest
    duplicated: int  # digests beyond the first, over all chats
    duplicated_chats: list[int]

    @property
    def rate(self) -> float:
        """Messages per second, from the first accepted one to the last."""
        return self.sent / self.seconds if self.seconds else float("nan")


def figures(fake: FakeBotAPI, chats: int) -> Figures:
    """The figures of a run over chats 1..`chats` (one digest message each)."""
    calls = fake.calls("sendMessage")
    accepted = sorted(call.time for call in calls if call.status == 200)
    per_chat = Counter(message.chat_id for message in fake.messages())
    return Figures(
        chats=chats,
        sent=len(accepted),
        seconds=accepted[-1] - accepted[0] if len(accepted) > 1 else 0.0,
        most_in_a_second=_most_within(accepted, 1.0),
        flood_answers=sum(call.status == 429 for call in calls),
        lost=sum(1 for chat in range(1, chats + 1) if per_chat[chat] == 0),
        duplicated=sum(count - 1 for count in per_chat.values() if count > 1),
        duplicated_chats=sorted(chat for chat, count in per_chat.items() if count > 1),
    )


def _most_within(times: list[float], span_s: float) -> int:
    """The most of the sorted `times` inside any window `span_s` long."""
    most, first = 0, 0
    for last, at in enumerate(times):
        while at - times[first] >= span_s:
            first += 1
        most = max(most, last - first + 1)
    return most
