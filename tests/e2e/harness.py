"""The end-to-end tests' bot process: `digestbot run` against the fake Bot API (see
bot.sandbox.process), with short schedules and ticks so a push happens within seconds."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import process
from bot.sandbox.fakebot import FakeBotAPI

FIXTURES = Path(__file__).with_name("fixtures")
E2E_SETTINGS = {
    "poll_timeout_s": "1",
    "scheduler_tick_s": "1",
    "arrival_settle_s": "1",  # pushes wait 1 s for a new article, not 10
    "min_schedule_interval_s": "1",  # subscriptions every few seconds
}


class BotProcess(process.BotProcess):
    """`digestbot run` for a test; its log is printed when it stops (pytest shows it for a
    failed test)."""

    def __init__(self, fake: FakeBotAPI, data_dir: Path, **settings: str) -> None:
        super().__init__(fake, data_dir, **(E2E_SETTINGS | settings))

    def __exit__(self, *exc_info: object) -> None:
        super().__exit__(*exc_info)
        print(self.log())
