"""Scheduled delivery against the fake Telegram Bot API enforcing Telegram's flood limits.

    python bench/delivery.py [--chats 10000] [--kill-at 0.5]

N private chats subscribe to "russia"; one article about Russia is ingested with the real
pipeline (`digestbot ingest`: cleaning, summary and passage vectors by the default model), so
every subscription has one digest message due. Two runs, each on a fresh database and a fresh
fake (`bot/sandbox/fakebot`, `enforce_limits=True`: 30 messages/s overall, 1/s per chat,
answering 429 past that):

1. clean: one delivery process pushes everything; prints messages/s between the first and the
   last confirmed message, against the 30/s cap, and the 429s received;
2. crash: the delivery process is killed with SIGKILL once half the messages arrived, then a new
   one is started on the same database; prints lost and duplicated digests (a duplicate can only
   come from the one message in flight at the kill).

The delivery process is real code driven directly, not the whole bot: `deliver_due` with a
python-telegram-bot ExtBot and AIORateLimiter (as `digestbot run` builds it) pointed at the
fake, on a SQLite database, started as a subprocess so it can be killed like the bot. It runs
with `arrival_settle_s = 0`: the article is ingested a moment before the push, and with the
default 10 s it would fall after the push's cutoff (every digest empty, nothing measured). The
restarted process waits until the killed one's push lease has expired, as a restarted bot does
(`scheduler_tick_s = 1` keeps that to the lease's 30 s minimum).

Nothing is asserted: it prints figures, and exits non-zero when a run delivered nothing (a
bench that measured nothing must not look like a result).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ARTICLE = REPO / "tests" / "e2e" / "fixtures" / "kremlin_energy.txt"
TELEGRAM_CAP_PER_S = 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--kill-at", type=float, default=0.5, help="fraction sent before SIGKILL")
    parser.add_argument(
        "--concurrency", type=int, help="delivery_concurrency (default: the setting's default)"
    )
    parser.add_argument("--deliver", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--api", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.deliver:
        asyncio.run(deliver(args.deliver, args.api))
        return
    if args.concurrency:
        os.environ["DIGESTBOT_DELIVERY_CONCURRENCY"] = str(args.concurrency)
    clean = run(args.chats, kill_at=None)
    if not clean["sent"]:
        raise SystemExit(
            f"measured nothing: the clean run delivered no message to {args.chats} chats"
        )
    rate = clean["sent"] / clean["seconds"] if clean["seconds"] else float("nan")
    print(
        f"clean run: {args.chats} chats, {clean['sent']} messages in {clean['seconds']:.1f} s = "
        f"{rate:.1f} messages/s ({100 * rate / TELEGRAM_CAP_PER_S:.0f} % of the "
        f"{TELEGRAM_CAP_PER_S}/s cap); 429 answers: {clean['flood_answers']}; "
        f"lost {clean['lost']}, duplicated {clean['duplicated']}"
    )
    crash = run(args.chats, kill_at=args.kill_at)
    print(
        f"killed at {crash['at_kill']} of {args.chats} messages (SIGKILL), restarted: "
        f"lost {crash['lost']}, duplicated {crash['duplicated']}; "
        f"429 answers: {crash['flood_answers']}"
    )
    if not crash["at_kill"] or crash["sent"] <= crash["at_kill"]:
        raise SystemExit("measured nothing: the restarted delivery process sent no message")


def run(chats: int, *, kill_at: float | None) -> dict[str, float]:
    """One bench run on a fresh database and fake; returns its figures."""
    from bot.sandbox.fakebot import FakeBotAPI

    with tempfile.TemporaryDirectory() as data_dir, FakeBotAPI(enforce_limits=True) as fake:
        database_url = f"sqlite:///{data_dir}/bench.sqlite3"
        prepare(database_url, chats, fake)
        worker = start_worker(database_url, fake, data_dir)
        at_kill = 0
        if kill_at is not None:
            fake.wait_for(lambda: len(fake.messages()) >= chats * kill_at, timeout=3600)
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            at_kill = len(fake.messages())
            worker = start_worker(database_url, fake, data_dir)
        if worker.wait() != 0:
            raise SystemExit(f"delivery process failed; see {data_dir}/deliver.log")
        calls = fake.calls("sendMessage")
        confirmed = sorted(c.time for c in calls if c.status == 200)
        per_chat = Counter(m.chat_id for m in fake.messages())
        return {
            "sent": len(confirmed),
            "seconds": confirmed[-1] - confirmed[0] if len(confirmed) > 1 else 0.0,
            "flood_answers": sum(c.status == 429 for c in calls),
            "lost": sum(1 for chat in range(1, chats + 1) if per_chat[chat] == 0),
            "duplicated": sum(count - 1 for count in per_chat.values() if count > 1),
            "at_kill": at_kill,
        }


def prepare(database_url: str, chats: int, fake) -> None:
    """Subscribe `chats` private chats (known to the fake), then ingest the article."""
    from bot.store import open_store

    store = open_store(database_url)
    due = datetime.now(UTC) - timedelta(minutes=1)
    for chat_id in range(1, chats + 1):
        fake.add_chat(chat_id)
        store.chats.ensure(chat_id, timezone="UTC")
        store.chats.subscribe(
            chat_id,
            "russia",
            schedule="weekly mon 09:00",
            next_run_at=due,
            covered_until=due - timedelta(days=7),
        )
    store.close()
    env = _environment(database_url)
    digestbot = str(Path(sys.executable).with_name("digestbot"))
    subprocess.run([digestbot, "ingest", str(ARTICLE)], env=env, check=True, capture_output=True)


def start_worker(database_url: str, fake, data_dir: str) -> subprocess.Popen:
    with open(f"{data_dir}/deliver.log", "a") as log:
        return subprocess.Popen(
            [sys.executable, __file__, "--deliver", database_url, "--api", fake.url],
            env={**_environment(database_url), "TELEGRAM_BOT_TOKEN": fake.token},
            stdout=log,
            stderr=subprocess.STDOUT,
        )


async def deliver(database_url: str, api_url: str) -> None:
    """The delivery process: every due digest, through PTB's rate limiter, then exit."""
    from telegram.ext import ExtBot

    from bot.app.pushes import PushLease, deliver_due
    from bot.config import Settings
    from bot.telegram.flood import rate_limiter
    from bot.telegram.sender import TelegramSender
    from bot.wiring import build_services, configure_logging

    settings = Settings(database_url=database_url)
    configure_logging(settings)
    services = build_services(settings)
    lease = PushLease.for_settings(services.store, settings)
    while not lease.renew():  # a killed predecessor's lease runs out first
        await asyncio.sleep(1)
    bot = ExtBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=f"{api_url}/bot",
        rate_limiter=rate_limiter(),
    )
    async with bot:
        sender = TelegramSender(bot, services.store, settings.send_retry_delays_s)
        await deliver_due(services, sender)
    services.store.close()


def _environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIGESTBOT_")}
    if "DIGESTBOT_DELIVERY_CONCURRENCY" in os.environ:
        env["DIGESTBOT_DELIVERY_CONCURRENCY"] = os.environ["DIGESTBOT_DELIVERY_CONCURRENCY"]
    env.update(
        DIGESTBOT_DATABASE_URL=database_url,
        DIGESTBOT_CONFIG=os.devnull,
        DIGESTBOT_ARRIVAL_SETTLE_S="0",
        DIGESTBOT_SCHEDULER_TICK_S="1",
        PYTHONPATH=str(REPO),
        HF_HUB_OFFLINE="1",
    )
    return env


if __name__ == "__main__":
    main()
