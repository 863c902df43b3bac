"""`digestbot demo`: the real bot in a local web chat, without a Telegram token.

What runs: the fake Telegram Bot API on 127.0.0.1 at a free port, the real, unmodified
`digestbot run` process against it (only its API URLs, token and data directory differ; its
database is a SQLite file in a temporary directory, removed at the end), and the web chat
(webchat.py). The fake and the web chat live in this process. Before the bot starts, the sample
articles in ``samples/`` (written for this project) or the files of ``--articles DIR`` are stored
and summarized with `digestbot ingest`, so /digest answers at once.

The bot runs with demo settings: a 1-second scheduler tick, digest pages of two articles (so
"Next page" shows with a few articles), short pushed summaries (so "Full summary" shows more) and
a "nothing new" push for an empty period (so a push is always seen).

Time warp ("fire the next scheduled push now"): the bot keeps its schedule in its database and
its ticker delivers every subscription whose ``next_run_at`` has passed (bot.app.pushes: "the
database is the schedule"). The demo owns that database, so it sets ``next_run_at`` of the
subscription due soonest to now, through the store's own ``set_schedule``; the bot's next tick
(within a second) delivers it exactly as it would at the scheduled time, then sets the next run
from the schedule. The bot needs no hook for this (no signal, no extra command), and there is no
other clean way: the bot is another process, reading the system clock.

Only loopback: the web chat listens on 127.0.0.1 unless ``--host`` names another address *and*
``--allow-remote`` is given, because whoever reaches the page can use the bot; it says so at
start. The fake Bot API always listens on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import ipaddress
import signal
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

from bot.sandbox.fakebot import FakeBotAPI
from bot.sandbox.process import BotProcess
from bot.sandbox.webchat import DEMO_CHATS, WebChat
from bot.store import Store, open_store

SAMPLES_DIR = Path(__file__).with_name("samples")
DEFAULT_PORT = 8080
DEMO_TOKEN = "555000111:AAF-digestbot-demo-not-a-real-token"
DEMO_SETTINGS = {
    "poll_timeout_s": "10",
    "scheduler_tick_s": "1",
    "arrival_settle_s": "1",
    "digest_page_size": "2",
    "push_summary_chars": "120",
    "notify_empty_digest": "true",
}


class DemoError(Exception):
    """The demo cannot start; the text says why and what to do."""


def is_loopback(host: str) -> bool:
    """Whether `host` (an IP address or "localhost") is a loopback address."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_host(host: str, allow_remote: bool) -> None:
    """Refuse a non-loopback address unless the person asked for it (DemoError)."""
    if not is_loopback(host) and not allow_remote:
        raise DemoError(
            f"Refusing to listen on {host}: anyone who reaches the web chat can use the bot. "
            "The demo listens on 127.0.0.1 only; add --allow-remote to listen on another address."
        )


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another program listens on now, before a minute of start-up (DemoError)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise DemoError(
                f"Cannot listen on {host}:{port} ({error.strerror}); choose another with --port."
            ) from error


def listening_notice(host: str, port: int) -> str:
    """What the demo says at start about where it listens and who can reach it."""
    url = f"http://{host}:{port}"
    if is_loopback(host):
        return (
            f"Web chat: {url}\nListening on loopback ({host}) only: other machines cannot reach "
            "it. Ctrl+C stops the demo."
        )
    return (
        f"Web chat: {url}\nWARNING: listening on {host} (--allow-remote): anyone who can reach "
        "this address can use the bot. Ctrl+C stops the demo."
    )


def fire_next_push(store: Store, chat_ids: Iterable[int], now: datetime | None = None) -> str:
    """Make the subscription due soonest among the chats due now; the bot's ticker then
    delivers it. Returns what happened, for the person."""
    subscriptions = [s for chat_id in chat_ids for s in store.chats.subscriptions(chat_id)]
    if not subscriptions:
        return "No subscription yet: send /subscribe with a topic first (e.g. /subscribe russia)."
    due = min(subscriptions, key=lambda s: s.next_run_at)
    store.chats.set_schedule(due.id, schedule=due.schedule, next_run_at=now or datetime.now(UTC))
    return (
        f"Time warp: the push of “{due.topic}”, due {due.next_run_at:%a %d %b %H:%M} UTC, runs now."
    )


def sample_files(articles: Path | None) -> list[Path]:
    """The article files to pre-load: those of `articles`, else the bundled samples."""
    folder = articles or SAMPLES_DIR
    if not folder.is_dir():
        raise DemoError(f"--articles: {folder} is not a folder.")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".txt", ".md", ".html"))


def run_demo(
    *,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    articles: Path | None = None,
    preload: bool = True,
    allow_remote: bool = False,
    say: Callable[[str], None] = print,
) -> None:
    """Run the demo until interrupted (Ctrl+C or SIGTERM raise KeyboardInterrupt, after the bot
    is stopped and the temporary data removed); DemoError when it cannot start."""
    check_host(host, allow_remote)
    check_port_free(host, port)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # SIGTERM cleans up like Ctrl+C
    files = sample_files(articles) if preload else []
    with tempfile.TemporaryDirectory(prefix="digestbot-demo-") as tmp, FakeBotAPI(
        DEMO_TOKEN, bot_username="digestbot_demo_bot", bot_first_name="Digest Bot",
        strict_html=False,
    ) as fake:  # fmt: skip
        data_dir = Path(tmp)
        database_url = f"sqlite:///{data_dir / 'demo.sqlite3'}"
        bot = BotProcess(fake, data_dir, database_url=database_url, **DEMO_SETTINGS)
        if files:
            say(f"Storing and summarizing {len(files)} sample articles (loads the model once)…")
            _preload(bot, files, say)
        say("Starting the bot (`digestbot run`) against the local Telegram stand-in…")
        try:
            bot.start()
        except (RuntimeError, TimeoutError) as error:
            bot.stop()
            last_lines = "\n".join(bot.log().strip().splitlines()[-10:])
            raise DemoError(f"The bot did not start. The end of its log:\n{last_lines}") from error
        store = open_store(database_url)
        try:
            chats = WebChat(fake, lambda: fire_next_push(store, [c.chat_id for c in DEMO_CHATS]))
            asyncio.run(_serve(chats.build(), host, port, say))
        finally:
            store.close()
            bot.stop()


def _preload(bot: BotProcess, files: list[Path], say: Callable[[str], None]) -> None:
    try:
        done = bot.cli("ingest", *map(str, files))
    except subprocess.TimeoutExpired as error:
        raise DemoError(
            "Storing the articles took over five minutes; start with --no-samples instead."
        ) from error
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        say("Some articles could not be stored:\n" + "\n".join(detail))
    elif lines:
        say(lines[-1])


async def _serve(app: web.Application, host: str, port: int, say: Callable[[str], None]) -> None:
    """Serve the web chat until cancelled (Ctrl+C, or SIGTERM: see run_demo)."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as error:
            raise DemoError(
                f"Cannot listen on {host}:{port} ({error.strerror}); choose another with --port."
            ) from error
        say(listening_notice(host, port))
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
