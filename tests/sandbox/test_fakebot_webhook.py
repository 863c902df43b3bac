"""The fake Bot API's webhook mode, driven by python-telegram-bot's Bot: setWebhook and
getWebhookInfo as Telegram answers them, getUpdates refused while a webhook is set, and updates
POSTed to webhook URLs with the secret."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator

import pytest
import telegram
from aiohttp import web
from telegram.error import BadRequest, Conflict

from bot.sandbox.fakebot import FakeBotAPI, WebhookPost

CHAT = 42
SECRET = "the_secret-1"


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(fake.token, base_url=f"{fake.url}/bot") as client:
        yield client


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[str, list[tuple[str | None, dict]]]]:
    """A webhook endpoint on loopback that records (secret header, body) and answers 200,
    except 500 for update id 13."""
    received: list[tuple[str | None, dict]] = []

    async def take(request: web.Request) -> web.Response:
        body = await request.json()
        received.append((request.headers.get("X-Telegram-Bot-Api-Secret-Token"), body))
        return web.Response(status=500 if body["update_id"] == 13 else 200)

    app = web.Application()
    app.router.add_post("/hook", take)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}/hook", received
    await runner.cleanup()


async def test_set_webhook_is_recorded_and_reported_by_get_webhook_info(bot, fake):
    fake.send_text(CHAT, "queued")

    assert await bot.set_webhook("https://bot.example.org/hook", secret_token=SECRET)
    info = await bot.get_webhook_info()

    assert fake.webhook["url"] == "https://bot.example.org/hook"
    assert fake.webhook["secret_token"] == SECRET
    assert (info.url, info.pending_update_count) == ("https://bot.example.org/hook", 1)


async def test_a_secret_with_characters_telegram_refuses_is_a_bad_request(bot, fake):
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await bot.set_webhook("https://bot.example.org/hook", secret_token="no spaces")
    assert fake.webhook is None


async def test_get_updates_is_refused_while_a_webhook_is_set_until_it_is_deleted(bot, fake):
    await bot.set_webhook("https://bot.example.org/hook")

    with pytest.raises(Conflict, match="while webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook()

    assert await bot.get_updates() == ()
    assert (await bot.get_webhook_info()).url == ""


async def test_posted_updates_carry_the_secret_and_leave_the_queue_once_answered_2xx(
    bot, fake, receiver
):
    url, received = receiver
    await bot.set_webhook(url, secret_token=SECRET)
    ids = [fake.send_text(CHAT, text) for text in ("one", "two")]

    posts = await asyncio.to_thread(
        fake.post_updates, [(ids[0], url), (ids[1], url), (ids[0], url)]
    )

    assert posts == [WebhookPost(update_id, url, 200) for update_id in (ids[0], ids[1], ids[0])]
    assert sorted((secret, body["message"]["text"]) for secret, body in received) == [
        (SECRET, "one"),
        (SECRET, "one"),
        (SECRET, "two"),
    ]
    assert fake.pending_updates() == []


async def test_an_update_answered_5xx_stays_pending_and_a_post_may_go_without_secret(
    bot, fake, receiver
):
    url, received = receiver
    await bot.set_webhook(url, secret_token=SECRET)
    ids = [fake.send_text(CHAT, f"message {n}") for n in range(13)]  # the 13th gets a 500

    [post] = await asyncio.to_thread(fake.post_updates, [(ids[-1], url)], secret=None)

    assert post.status == 500
    assert received[0][0] is None
    assert ids[-1] in [u["update_id"] for u in fake.pending_updates()]
