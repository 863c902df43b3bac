"""Pushes across processes: two `digestbot pusher` processes on one PostgreSQL database, against
the fake Telegram Bot API enforcing Telegram's flood limits.

    python bench/push_fleet.py [--chats N] [--postgres URL] [--kill-at 0.5]

N private chats (DIGESTBOT_CLUSTER_CHATS, default 10,000) are subscribed to "russia" and due at
once, with one article about Russia stored, so each has one digest message due (the pushers
render it with the real model). Two runs, each on a fresh database and a fresh fake
(`bot/sandbox/fakebot`, `enforce_limits=True`: 30 messages/s overall, 1/s per chat, 429 past
that), each with two `digestbot pusher` processes started together:

1. clean: prints messages/s from the first accepted message to the last, the most accepted in
   any one second, the 429 answers, and lost and duplicated digests;
2. crash: the process holding the push lease is killed with SIGKILL once `--kill-at` of the
   digests are recorded as sent; the other takes over once the killed one's lease expires
   (30 s); prints lost and duplicated digests (a duplicate can only be a message in flight at
   the kill, at most one per concurrent delivery, each logged where it resumed).

The database is created on the server of `--postgres` (default: DIGESTBOT_TEST_POSTGRES_URL or
postgresql+psycopg://postgres@127.0.0.1:5432/test) and dropped at the end. Nothing is asserted:
it prints figures, and exits non-zero when a run delivered nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_SERVER = os.environ.get(
    "DIGESTBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
BENCH_DATABASE = "digestbot_bench_push_fleet"
TIMEOUT_S = 3600


def main() -> None:
    from tests.e2e.fleet import chats_wanted

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=chats_wanted(10_000))
    parser.add_argument("--postgres", default=DEFAULT_SERVER, help="a server URL")
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction sent before SIGKILL")
    args = parser.parse_args()
    clean = run(args.postgres, args.chats, kill_at=None)
    print(
        f"clean run, 2 pushers: {args.chats} chats, {clean.sent} messages in {clean.seconds:.1f} s"
        f" = {clean.rate:.1f} messages/s; most in any second {clean.most_in_a_second}; "
        f"429 answers {clean.flood_answers}; lost {clean.lost}, duplicated {clean.duplicated}"
    )
    crash = run(args.postgres, args.chats, kill_at=args.kill_at)
    print(
        f"sending pusher killed (SIGKILL) at {args.kill_at:.0%}, the other resumed: "
        f"{crash.sent} messages; lost {crash.lost}, duplicated {crash.duplicated}; "
        f"429 answers {crash.flood_answers}; most in any second {crash.most_in_a_second}"
    )
    if not clean.sent or not crash.sent:
        raise SystemExit("measured nothing: a run delivered no message")


def run(server_url: str, chats: int, *, kill_at: float | None):
    """One run on a fresh database and fake; returns its figures."""
    from bot.sandbox.fakebot import FakeBotAPI
    from bot.sandbox.process import digestbot_executable
    from bot.store import open_store
    from tests.e2e.fleet import Fleet, figures, subscribe_chats

    with (
        fresh_database(server_url) as url,
        tempfile.TemporaryDirectory() as data_dir,
        FakeBotAPI(enforce_limits=True) as fake,
    ):
        store = open_store(url)
        subscribe_chats(store, fake, chats)
        store.close()
        fleet = Fleet(fake, Path(data_dir), url, [digestbot_executable(), "pusher"])
        try:
            fleet.start(2)
            if kill_at is not None:
                fleet.wait_until(lambda: fleet.sent() >= chats * kill_at, TIMEOUT_S, "half")
                fleet.kill(fleet.holder())
            fleet.wait_until(lambda: fleet.sent() >= chats, TIMEOUT_S, "every digest")
            time.sleep(3)  # both tick on: a late duplicate would be sent by now
        finally:
            fleet.stop()
        return figures(fake, chats)


class fresh_database:
    """A database of its own on the server, dropped at the end: its URL."""

    def __init__(self, server_url: str) -> None:
        from sqlalchemy import create_engine, make_url

        self.server = create_engine(server_url, isolation_level="AUTOCOMMIT")
        self.url = make_url(server_url).set(database=BENCH_DATABASE)

    def _run(self, statement: str) -> None:
        from sqlalchemy import text

        with self.server.connect() as connection:
            connection.execute(text(statement))

    def __enter__(self) -> str:
        self._run(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        self._run(f"CREATE DATABASE {BENCH_DATABASE}")
        return self.url.render_as_string(hide_password=False)

    def __exit__(self, *exc_info: object) -> None:
        self._run(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        self.server.dispose()


if __name__ == "__main__":
    main()
