"""Intake past one process, on one PostgreSQL database: two `digestbot web` replicas take each
webhook update once, however often and wherever it is delivered; a second `digestbot run` waits
as a standby instead of fighting the first over getUpdates, and takes over when it stops."""

from __future__ import annotations

import json
import random
import time
import urllib.request
from collections import Counter
from contextlib import ExitStack
from urllib.error import HTTPError, URLError

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.sandbox.fakebot import FakeBotAPI
from bot.store import open_store
from bot.store.rows import TelegramUpdateRow
from bot.telegram.application import STANDBY_RETRY_S
from tests.e2e.harness import WARM_UP_TIMEOUT_S, BotProcess
from tests.metrics import free_port
from tests.postgres import fresh_database

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SECRET = "replica-secret_14"
CHATS = 2_000
TWICE = 0.05  # share of the update ids POSTed a second time, to either replica
REPLIES_TIMEOUT_S = 180.0
CHAT = 4242


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, json.loads(answer.read())
    except HTTPError as error:
        return error.code, json.loads(error.read())


def wait_until_ready(fake: FakeBotAPI, base_url: str, replica: BotProcess) -> None:
    def ready() -> bool:
        if replica.process.poll() is not None:
            raise RuntimeError(f"the replica exited:\n{replica.log()}")
        try:
            return get_json(f"{base_url}/readyz")[0] == 200
        except URLError:  # not listening yet: it starts the application before its server
            return False

    deadline = time.monotonic() + WARM_UP_TIMEOUT_S
    while not ready():
        assert time.monotonic() < deadline, f"{base_url} not ready:\n{replica.log()}"
        time.sleep(0.5)


def replies_per_chat(fake: FakeBotAPI) -> Counter[int]:
    return Counter(message.chat_id for message in fake.messages())


def test_two_replicas_take_each_update_once_however_often_it_is_posted(
    fake, tmp_path, postgres_url
):
    with fresh_database(postgres_url, "replicas") as database_url, ExitStack() as running:
        urls, replicas = [], []
        for number in (1, 2):
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            replica = BotProcess(
                fake, tmp_path, command="web", log_name=f"web{number}.log",
                database_url=database_url, webhook_url=f"{base}/telegram",
                webhook_secret=SECRET, web_port=str(port),
            )  # fmt: skip
            running.enter_context(replica)  # started: its command menu is set
            urls.append(f"{base}/telegram")
            replicas.append((base, replica))
        for base, replica in replicas:
            wait_until_ready(fake, base, replica)
        set_webhook = replicas[0][1].cli("set-webhook")
        assert set_webhook.returncode == 0, set_webhook.stderr
        assert fake.webhook["url"] == urls[0] and fake.webhook["secret_token"] == SECRET

        chats = range(10_001, 10_001 + CHATS)
        update_ids = [fake.send_text(chat, "/help") for chat in chats]
        chance = random.Random(14)
        deliveries = [(uid, urls[i % 2]) for i, uid in enumerate(update_ids)]
        again = chance.sample(update_ids, int(CHATS * TWICE))
        deliveries += [(uid, chance.choice(urls)) for uid in again]
        chance.shuffle(deliveries)

        started = time.monotonic()
        posts = fake.post_updates(deliveries, concurrency=32)
        posted_s = time.monotonic() - started
        deadline = started + REPLIES_TIMEOUT_S
        while sum(replies_per_chat(fake).values()) < CHATS and time.monotonic() < deadline:
            time.sleep(0.5)
        replied_s = time.monotonic() - started
        time.sleep(2)  # a reply to a duplicate would come within this
        store = open_store(database_url)
        taken = store.engine.connect().execute(select(func.count()).select_from(TelegramUpdateRow))
        taken_count = taken.scalar()
        store.close()

    print(
        f"{len(deliveries)} POSTs ({len(again)} twice) to 2 replicas in {posted_s:.1f} s; "
        f"{CHATS} replies after {replied_s:.1f} s"
    )
    assert Counter(post.status for post in posts) == {200: len(deliveries)}
    assert replies_per_chat(fake) == dict.fromkeys(chats, 1)
    assert taken_count == CHATS


def test_a_second_poller_stands_by_until_the_first_stops_then_takes_over(
    fake, tmp_path, postgres_url
):
    with fresh_database(postgres_url, "standby") as database_url:
        first = BotProcess(fake, tmp_path, log_name="first.log", database_url=database_url)
        second = BotProcess(fake, tmp_path, log_name="second.log", database_url=database_url)
        with first:
            second.launch()
            try:
                fake.wait_for(lambda: "standby:" in second.log(), timeout=60, what="a standby")
                time.sleep(2 * STANDBY_RETRY_S)  # it asked for the lock again meanwhile
                [reply] = fake.send_and_wait(CHAT, "/help", timeout=30)
                assert len(fake.calls("getMe")) == 1  # the standby has not started its bot

                menus = len(fake.calls("setMyCommands"))  # the first's, one per language
                first.stop()
                fake.wait_for(  # not "== 2": a quick standby's menus pass any count at once
                    lambda: len(fake.calls("setMyCommands")) > menus,
                    timeout=60,
                    what="the standby to take over",
                )
                [taken_over] = fake.send_and_wait(CHAT, "/help", timeout=30)
                log = second.log()
            finally:
                second.__exit__(None, None, None)

    assert "/digest" in reply.plain_text and "/digest" in taken_over.plain_text
    assert "standby over" in log
    assert [c for c in fake.calls("getUpdates") if c.status == 409] == []


def test_a_poller_whose_lock_connection_is_lost_stops_with_exit_code_1(
    fake, tmp_path, postgres_url
):
    with (
        fresh_database(postgres_url, "lost") as database_url,
        BotProcess(fake, tmp_path, database_url=database_url) as bot,
    ):
        server = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with server.connect() as connection:  # the server ends the lock's session
            ended = connection.execute(
                text(
                    "SELECT count(pg_terminate_backend(l.pid, 5000)) FROM pg_locks l "
                    "JOIN pg_database d ON d.oid = l.database "
                    "WHERE l.locktype = 'advisory' AND d.datname = :name"
                ),
                {"name": make_url(database_url).database},
            ).scalar()
        server.dispose()
        exit_code = bot.process.wait(timeout=WARM_UP_TIMEOUT_S)
        log = bot.log()

    assert ended == 1
    assert exit_code == 1
    assert "the polling lock's database connection was lost: stopping" in log
