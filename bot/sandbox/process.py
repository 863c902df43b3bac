"""Running the real `digestbot` process against the fake Bot API, as a user would start it.

Only the environment differs from production: the API base URLs point at the fake, the token is
the fake's, the data directory is the caller's, no config file is read (a ``DIGESTBOT_*``
variable of the caller's shell is dropped too), and the settings given override the defaults.
The demo and the end-to-end tests start the bot this way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.sandbox.fakebot import FakeBotAPI

START_TIMEOUT_S = 120.0


def digestbot_executable() -> str:
    """The `digestbot` console script beside the running interpreter."""
    return str(Path(sys.executable).with_name("digestbot"))


def bot_environment(fake: FakeBotAPI, data_dir: Path, **settings: str) -> dict[str, str]:
    """Environment of a bot process talking to `fake` and keeping its data in `data_dir`;
    `settings` are digestbot settings by name (``scheduler_tick_s="1"``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    env.update(
        TELEGRAM_BOT_TOKEN=fake.token,
        HF_HUB_OFFLINE="1",
        DIGESTBOT_CONFIG=str(data_dir / "absent.toml"),
        DIGESTBOT_TELEGRAM_API_URL=f"{fake.url}/bot",
        DIGESTBOT_TELEGRAM_FILE_URL=f"{fake.url}/file/bot",
        DIGESTBOT_DATA_DIR=str(data_dir),
    )
    env.update({f"DIGESTBOT_{key.upper()}": value for key, value in settings.items()})
    return env


class BotProcess:
    """`digestbot run` (or `command`, e.g. "web") in a subprocess; its log goes to
    `data_dir/bot.log` (`log_name`)."""

    def __init__(
        self,
        fake: FakeBotAPI,
        data_dir: Path,
        *,
        command: str = "run",
        log_name: str = "bot.log",
        **settings: str,
    ) -> None:
        self.fake = fake
        self.command = command
        self.env = bot_environment(fake, data_dir, **settings)
        self.log_path = data_dir / log_name
        self.process: subprocess.Popen | None = None

    def launch(self) -> subprocess.Popen:
        """Start the bot's process without waiting for it."""
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                [digestbot_executable(), self.command],
                env=self.env,
                cwd=self.env["DIGESTBOT_DATA_DIR"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self.process

    def start(self, timeout_s: float = START_TIMEOUT_S) -> BotProcess:
        """Start the bot and wait until it has set its command menu (post_init ran)."""
        calls_before = len(self.fake.calls("setMyCommands"))
        self.launch()
        self.fake.wait_for(
            lambda: (
                len(self.fake.calls("setMyCommands")) > calls_before
                or self.process.poll() is not None
            ),
            timeout=timeout_s,
            what="the bot to start",
        )
        if self.process.poll() is not None:
            raise RuntimeError(f"the bot exited at start-up:\n{self.log()}")
        return self

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop the bot (SIGTERM: graceful; SIGKILL: a crash) and wait for it."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        """Run another `digestbot` command with the bot's settings (same database)."""
        return subprocess.run(
            [digestbot_executable(), *args],
            env=self.env,
            cwd=self.env["DIGESTBOT_DATA_DIR"],
            capture_output=True,
            text=True,
            timeout=300,
        )

    def log(self) -> str:
        """What the bot has logged so far."""
        return self.log_path.read_text() if self.log_path.exists() else ""
