"""The end-to-end tests' bot process: `digestbot run` against the fake Bot API (see
bot.sandbox.process), with short schedules and ticks so a push happens within seconds."""

from __future__ import annotations

import signal
import time
from collections.abc import Collection
from datetime import datetime, timedelta
from pathlib import Path

from bot.sandbox import process
from bot.sandbox.fakebot import FakeBotAPI
from bot.store import open_store

FIXTURES = Path(__file__).with_name("fixtures")
E2E_SETTINGS = {
    "poll_timeout_s": "1",
    "scheduler_tick_s": "1",
    "arrival_settle_s": "1",  # pushes wait 1 s for a new article, not 10
    "min_schedule_interval_s": "1",  # subscriptions every few seconds
}
RUNS_TIMEOUT_S = 90.0
WARM_UP_DONE = "/digest warm:"  # logged by bot.telegram.application once its warm-up ended
WARM_UP_TIMEOUT_S = 300.0  # it loads the encoder: two minutes were seen on a busy machine
WARM_UP_POLL_S = 0.2


class BotProcess(process.BotProcess):
    """`digestbot run` for a test; its log is printed when it stops (pytest shows it for a
    failed test).

    A graceful stop waits for the start-up warm-up (python-telegram-bot lets a running job end),
    which loads the encoder: on a busy machine for longer than the 30 s `stop` allows before it
    kills. So `stop` first waits for the warm-up, and the end of a test, where nothing is
    asserted on the stop, kills the bot."""

    def __init__(self, fake: FakeBotAPI, data_dir: Path, **settings: str) -> None:
        super().__init__(fake, data_dir, **(E2E_SETTINGS | settings))
        self.database_url = f"sqlite:///{data_dir / 'digestbot.sqlite3'}"
        self._log_at_start = 0

    def start(self, timeout_s: float = process.START_TIMEOUT_S) -> BotProcess:
        self._log_at_start = len(self.log())
        return super().start(timeout_s)

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        if sig == signal.SIGTERM and self.process:
            # the log is read every WARM_UP_POLL_S: a webhook process may not call the fake
            # (whose changes wake `fake.wait_for`) while it warms up
            deadline = time.monotonic() + WARM_UP_TIMEOUT_S
            while (
                WARM_UP_DONE not in self.log()[self._log_at_start :] and self.process.poll() is None
            ):
                if time.monotonic() > deadline:
                    raise TimeoutError("the warm-up did not end before a graceful stop")
                time.sleep(WARM_UP_POLL_S)
        super().stop(sig)

    def __exit__(self, *exc_info: object) -> None:
        self.stop(signal.SIGKILL)
        print(self.log())

    def wait_for_runs_after(
        self, moment: datetime, chat_ids: Collection[int], period_s: float
    ) -> None:
        """Block until the bot has run the pushes of each chat's subscriptions (every
        `period_s`) more than a period after `moment`, so whatever they had due by then, a
        duplicate as well as a digest, has been sent: waiting for the bot, not the clock. A run
        sets a subscription's next run at most a period after the run began, so a next run past
        `moment` + 2 periods was set by a run begun after `moment` + 1 period."""
        settled = moment + timedelta(seconds=2 * period_s)
        store = open_store(self.database_url)

        def ran() -> bool:
            runs = [s.next_run_at for chat in chat_ids for s in store.chats.subscriptions(chat)]
            return bool(runs) and min(runs) > settled

        try:
            self.fake.wait_for(
                ran, timeout=RUNS_TIMEOUT_S, what=f"the pushes to run past {settled:%H:%M:%S}"
            )
        finally:
            store.close()
