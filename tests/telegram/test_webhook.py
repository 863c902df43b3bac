"""Webhook mode's web app (bot.telegram.webhook), in this process against the fake Bot API with
the fast fake models: the secret is checked, a body that is no update is refused without a
Python error, an update id is taken once, and /healthz and /readyz tell liveness and readiness."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text
from telegram.ext import Application

from bot.app.services import Services
from bot.config import Settings
from bot.sandbox.fakebot import FakeBotAPI
from bot.store import Store, open_store
from bot.telegram.application import build_application
from bot.telegram.webhook import SECRET_HEADER, build_web_app
from tests.fakes import FakeSummarizer
from tests.metrics import sample
from tests.postgres import fresh_database

SECRET = "s3cret_Token-1"
BASE = "http://bot.test"
PATH = "/telegram"
CHAT = 4242
POSTS = "digestbot_webhook_posts_total"


@dataclass
class Web:
    """The web app's client, its application and the fake Bot API it answers through."""

    client: httpx.AsyncClient
    application: Application
    fake: FakeBotAPI

    async def post(self, body: Any, secret: str | None = SECRET) -> httpx.Response:
        headers = {} if secret is None else {SECRET_HEADER: secret}
        content = body if isinstance(body, bytes) else json.dumps(body).encode()
        return await self.client.post(PATH, content=content, headers=headers)

    def update(self, chat_id: int, text: str) -> dict[str, Any]:
        """A user's message as the fake makes it, the body Telegram would POST."""
        update_id = self.fake.send_text(chat_id, text)
        return next(u for u in self.fake.pending_updates() if u["update_id"] == update_id)


@asynccontextmanager
async def web_app(fake: FakeBotAPI, store: Store, matcher, *, run: bool = True):
    settings = Settings(
        telegram_bot_token=fake.token,
        telegram_api_url=f"{fake.url}/bot",
        telegram_file_url=f"{fake.url}/file/bot",
        webhook_url=f"https://bot.example.org{PATH}",
        webhook_secret=SECRET,
        scheduler_tick_s=3600,
        feed_tick_s=3600,
    )
    services = Services(settings, store, FakeSummarizer(), matcher)
    application = build_application(services, polling=False)
    await application.initialize()
    app = build_web_app(application)
    transport = httpx.ASGITransport(app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        if not run:
            yield Web(client, application, fake)
            await application.shutdown()
            return
        async with app.router.lifespan_context(app):
            yield Web(client, application, fake)


@pytest.fixture
def fake() -> AsyncIterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def web(fake, sqlite_store, fake_matcher) -> AsyncIterator[Web]:
    async with web_app(fake, sqlite_store, fake_matcher) as running:
        yield running


async def ready(web: Web) -> httpx.Response:
    """/readyz once the warm-up ended (it runs as a job right after start)."""
    for _ in range(200):
        answer = await web.client.get("/readyz")
        if answer.json().get("reason") != "warming up":
            return answer
        await asyncio.sleep(0.05)
    return answer


async def test_an_update_with_the_secret_is_answered_200_and_handled(web):
    answer = await web.post(web.update(CHAT, "/help"))

    assert answer.status_code == 200
    [reply] = await asyncio.to_thread(web.fake.wait_for_messages, CHAT, 1)
    assert "/digest" in reply.plain_text


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_an_update_without_the_right_secret_is_refused_403_and_not_taken(web, secret):
    body = web.update(CHAT, "/help")

    before = sample(POSTS, outcome="forbidden")

    answer = await web.post(body, secret=secret)

    assert answer.status_code == 403
    assert sample(POSTS, outcome="forbidden") == before + 1
    assert (await web.post(body)).status_code == 200  # the id was not taken by the refusal


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"",
        b"[1, 2]",
        b'{"message": {"text": "/help"}}',
        b'{"update_id": "12"}',
        b'{"update_id": 12, "message": {"text": "no chat, no date"}}',
    ],
    ids=[
        "not-json",
        "empty",
        "a-list",
        "no-update-id",
        "id-not-a-number",
        "message-missing-fields",
    ],
)
async def test_a_body_that_is_no_update_is_refused_400_without_a_python_error(web, body):
    answer = await web.post(body)

    assert answer.status_code == 400
    assert answer.text == "Bad Request: the body is not a Telegram update"


async def test_a_duplicate_update_id_is_answered_200_and_dropped(web):
    body = web.update(CHAT, "/help")
    before = {o: sample(POSTS, outcome=o) for o in ("taken", "duplicate")}

    answers = [await web.post(body) for _ in range(3)]
    other = await web.post(web.update(CHAT + 1, "/help"))

    assert [a.status_code for a in answers] == [200, 200, 200]
    assert other.status_code == 200
    assert sample(POSTS, outcome="taken") - before["taken"] == 2
    assert sample(POSTS, outcome="duplicate") - before["duplicate"] == 2
    await asyncio.to_thread(web.fake.wait_for_messages, CHAT + 1, 1)
    assert len(web.fake.messages(CHAT)) == 1


async def test_healthz_answers_while_the_process_runs(web):
    answer = await web.client.get("/healthz")

    assert (answer.status_code, answer.json()) == (200, {"alive": True})


async def test_readyz_is_503_until_the_application_runs(fake, sqlite_store, fake_matcher):
    async with web_app(fake, sqlite_store, fake_matcher, run=False) as idle:
        answer = await idle.client.get("/readyz")

    assert (answer.status_code, answer.json()) == (503, {"ready": False, "reason": "starting"})


async def test_readyz_is_200_once_started_and_warmed_up(web):
    answer = await ready(web)

    assert (answer.status_code, answer.json()) == (200, {"ready": True})


async def test_readyz_is_503_while_the_sqlite_file_is_gone(web, sqlite_store):
    await ready(web)
    os.remove(sqlite_store.engine.url.database)

    answer = await web.client.get("/readyz")

    assert answer.status_code == 503
    assert answer.json() == {"ready": False, "reason": "database unreachable"}


@pytest.mark.postgres
async def test_readyz_is_503_while_postgresql_refuses_connections_then_200(
    fake, fake_matcher, postgres_url
):
    with fresh_database(postgres_url, "readyz") as url:
        store = open_store(url)
        database = store.engine.url.database
        server = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        async with web_app(fake, store, fake_matcher) as running:
            assert (await ready(running)).status_code == 200
            with server.connect() as connection:  # the database goes away for the bot
                connection.execute(text(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false"))
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity "
                        f"WHERE datname = '{database}'"
                    )
                )
            down = await running.client.get("/readyz")
            with server.connect() as connection:
                connection.execute(text(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true"))
            back = await running.client.get("/readyz")
        server.dispose()

    assert (down.status_code, down.json()["reason"]) == (503, "database unreachable")
    assert back.status_code == 200
