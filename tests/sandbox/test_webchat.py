"""The demo's web chat API over the fake Bot API, without a bot process or a browser: what a
person does becomes Telegram updates, and the bot's messages come back as Telegram clients get
them (plain text, entities, buttons, edits applied)."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from bot.sandbox.fakebot import FakeBotAPI
from bot.sandbox.webchat import ALICE, BOB, DEMO_CHATS, YOU, WebChat

PRIVATE, GROUP, CHANNEL = (chat.chat_id for chat in DEMO_CHATS)


@pytest.fixture
def fake():
    with FakeBotAPI(strict_html=False) as server:
        yield server


@pytest.fixture
async def client(fake):
    warps = []

    def time_warp() -> str:
        warps.append(True)
        return f"warp {len(warps)}"

    async with TestClient(TestServer(WebChat(fake, time_warp).build())) as test_client:
        yield test_client


def bot_calls(fake: FakeBotAPI, method: str, **params) -> dict:
    """What the bot process does: a Bot API call to the fake, over HTTP."""
    body = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    answer = httpx.post(f"{fake.url}/bot{fake.token}/{method}", data=body).json()
    assert answer["ok"], answer
    return answer["result"]


async def timeline(client: TestClient, chat_id: int) -> dict:
    response = await client.get(f"/api/chats/{chat_id}/messages")
    assert response.status == 200
    return await response.json()


async def test_the_page_and_its_scripts_are_served(client):
    page = await client.get("/")
    assert page.status == 200 and '<script src="/static/chat.js">' in await page.text()
    script = await client.get("/static/chat.js")
    assert script.status == 200 and "innerHTML" not in await script.text()


async def test_chats_list_the_private_chat_the_group_with_its_people_and_the_channel(client):
    chats = (await (await client.get("/api/chats")).json())["chats"]
    assert [(c["kind"], [p["role"] for p in c["people"]]) for c in chats] == [
        ("private", ["you"]),
        ("group", ["admin", "member"]),
        ("channel", []),
    ]


async def test_a_sent_message_reaches_the_bot_and_shows_in_the_chat(fake, client):
    response = await client.post(f"/api/chats/{PRIVATE}/send", json={"text": "/start"})
    assert response.status == 200

    [update] = fake.pending_updates()
    message = update["message"]
    assert (message["chat"]["type"], message["from"]["id"], message["text"]) == (
        "private", YOU.user_id, "/start",
    )  # fmt: skip
    assert message["entities"][0]["type"] == "bot_command"
    [shown] = (await timeline(client, PRIVATE))["messages"]
    assert (shown["mine"], shown["text"], shown["id"]) == (True, "/start", message["message_id"])


async def test_bot_messages_come_as_text_and_entities_with_edits_applied_in_order(fake, client):
    await client.post(f"/api/chats/{PRIVATE}/send", json={"text": "an article"})
    sent = bot_calls(
        fake, "sendMessage", chat_id=PRIVATE, parse_mode="HTML",
        text='Stored: <b>Title</b> <a href="https://example.org/a">link</a> '
             "&amp; <blockquote expandable>long</blockquote>",
    )  # fmt: skip
    bot_calls(
        fake, "editMessageText", chat_id=PRIVATE, message_id=sent["message_id"],
        parse_mode="HTML", text="Stored: <b>Title</b>\n\n<i>The summary.</i>",
    )  # fmt: skip

    mine, reply = (await timeline(client, PRIVATE))["messages"]
    assert mine["mine"] and not reply["mine"] and mine["id"] < reply["id"]
    assert reply["edited"] and reply["text"] == "Stored: Title\n\nThe summary."
    assert [e["type"] for e in reply["entities"]] == ["bold", "italic"]


async def test_html_the_bot_sends_is_never_passed_on_as_markup(fake, client):
    bot_calls(
        fake, "sendMessage", chat_id=PRIVATE, parse_mode="HTML",
        text='<b>bold</b> &lt;img src=x onerror=alert(1)&gt; <a href="javascript:x">y</a>',
    )  # fmt: skip
    [shown] = (await timeline(client, PRIVATE))["messages"]
    assert shown["text"] == "bold <img src=x onerror=alert(1)> y"  # shown as text by the page
    assert {e["type"] for e in shown["entities"]} == {"bold", "text_link"}


async def test_pressing_a_button_sends_a_callback_query_and_shows_the_answer(fake, client):
    button = {"text": "Next page (2) ›", "callback_data": "p:2:russia"}
    sent = bot_calls(
        fake, "sendMessage", chat_id=PRIVATE, text="Digest: russia",
        reply_markup={"inline_keyboard": [[button]]},
    )  # fmt: skip
    [shown] = (await timeline(client, PRIVATE))["messages"]
    assert shown["buttons"] == [[button]]

    async def bot_answers():
        while not fake.pending_updates():
            await asyncio.sleep(0.02)
        query = fake.pending_updates()[-1]["callback_query"]
        assert (query["data"], query["message"]["message_id"]) == ("p:2:russia", sent["message_id"])
        await asyncio.to_thread(
            bot_calls, fake, "answerCallbackQuery", callback_query_id=query["id"], text="Page 2"
        )

    answering = asyncio.create_task(bot_answers())
    response = await client.post(
        f"/api/chats/{PRIVATE}/press", json={"message_id": sent["message_id"], "data": "p:2:russia"}
    )
    await answering
    assert response.status == 200 and (await response.json())["toast"] == "Page 2"


async def test_a_button_no_longer_on_the_message_cannot_be_pressed(fake, client):
    sent = bot_calls(fake, "sendMessage", chat_id=PRIVATE, text="Digest")
    response = await client.post(
        f"/api/chats/{PRIVATE}/press", json={"message_id": sent["message_id"], "data": "u:1"}
    )
    assert response.status == 400
    assert "button is gone" in (await response.json())["error"]
    assert fake.pending_updates() == []


async def test_in_the_group_the_chosen_person_writes_and_the_admin_is_known(fake, client):
    await client.post(
        f"/api/chats/{GROUP}/send", json={"text": "/subscribe russia", "user_id": BOB.user_id}
    )
    await client.post(
        f"/api/chats/{GROUP}/send", json={"text": "/digest russia", "user_id": ALICE.user_id}
    )

    senders = [
        (u["message"]["chat"]["type"], u["message"]["from"]["id"]) for u in fake.pending_updates()
    ]
    assert senders == [("group", BOB.user_id), ("group", ALICE.user_id)]
    roles = {
        user.user_id: bot_calls(fake, "getChatMember", chat_id=GROUP, user_id=user.user_id)[
            "status"
        ]
        for user in (ALICE, BOB)
    }
    assert roles == {ALICE.user_id: "administrator", BOB.user_id: "member"}
    shown = (await timeline(client, GROUP))["messages"]
    assert [m["sender"] for m in shown] == ["Bob", "Alice"]
    assert (await timeline(client, PRIVATE))["messages"] == []  # chats are apart


async def test_in_the_channel_a_post_is_a_channel_post(fake, client):
    await client.post(f"/api/chats/{CHANNEL}/send", json={"text": "/subscribe russia"})
    [update] = fake.pending_updates()
    assert update["channel_post"]["chat"]["id"] == CHANNEL and "from" not in update["channel_post"]


async def test_strangers_unknown_chats_and_overlong_messages_are_refused(fake, client):
    stranger = await client.post(f"/api/chats/{GROUP}/send", json={"text": "hi", "user_id": 7})
    unknown = await client.post("/api/chats/12345/send", json={"text": "hi"})
    empty = await client.post(f"/api/chats/{PRIVATE}/send", json={"text": "  "})
    too_long = await client.post(f"/api/chats/{PRIVATE}/send", json={"text": "é" * 4097})
    assert [r.status for r in (stranger, unknown, empty, too_long)] == [400, 400, 400, 400]
    assert "as a .txt file" in (await too_long.json())["error"]
    assert "no such chat" in (await unknown.json())["error"]
    assert fake.pending_updates() == []


async def test_an_uploaded_file_becomes_a_document_the_bot_can_download(fake, client):
    form = FormData()
    form.add_field("file", b"Some article text", filename="note.txt", content_type="text/plain")
    form.add_field("user_id", str(YOU.user_id))
    response = await client.post(f"/api/chats/{PRIVATE}/upload", data=form)
    assert response.status == 200

    [update] = fake.pending_updates()
    document = update["message"]["document"]
    assert document["file_name"] == "note.txt"
    path = bot_calls(fake, "getFile", file_id=document["file_id"])["file_path"]
    assert httpx.get(f"{fake.url}/file/bot{fake.token}/{path}").content == b"Some article text"
    [shown] = (await timeline(client, PRIVATE))["messages"]
    assert (shown["document"], shown["sender"]) == ("note.txt", "You")


async def test_a_file_sent_in_the_group_comes_from_the_chosen_person(fake, client):
    form = FormData()
    form.add_field("file", b"text", filename="note.md", content_type="text/markdown")
    form.add_field("user_id", str(BOB.user_id))
    assert (await client.post(f"/api/chats/{GROUP}/upload", data=form)).status == 200

    [update] = fake.pending_updates()
    message = update["message"]
    assert (message["from"]["first_name"], message["chat"]["title"]) == ("Bob", "Newsroom group")


async def test_typing_shows_after_a_chat_action_until_the_bot_answers(fake, client):
    assert (await timeline(client, PRIVATE))["typing"] is False
    bot_calls(fake, "sendChatAction", chat_id=PRIVATE, action="typing")
    assert (await timeline(client, PRIVATE))["typing"] is True
    assert (await timeline(client, GROUP))["typing"] is False
    bot_calls(fake, "sendMessage", chat_id=PRIVATE, text="Here it is")
    assert (await timeline(client, PRIVATE))["typing"] is False


async def test_time_warp_runs_the_demo_hook_and_says_what_it_did(client):
    response = await client.post("/api/timewarp")
    assert (await response.json())["text"] == "warp 1"


async def test_the_command_menu_is_what_the_bot_set(fake, client):
    assert (await (await client.get("/api/commands")).json())["commands"] == []
    bot_calls(
        fake,
        "setMyCommands",
        commands=json.dumps([{"command": "digest", "description": "A digest"}]),
    )
    commands = (await (await client.get("/api/commands")).json())["commands"]
    assert commands == [{"command": "digest", "description": "A digest"}]


async def test_a_post_from_another_web_site_is_refused(fake, client):
    page = f"http://{client.server.host}:{client.server.port}"
    same = await client.post(
        f"/api/chats/{PRIVATE}/send", json={"text": "hi"}, headers={"Origin": page}
    )
    other = await client.post(
        f"/api/chats/{PRIVATE}/send",
        json={"text": "hi"},
        headers={"Origin": "https://evil.example"},
    )
    assert (same.status, other.status) == (200, 403)
    assert len(fake.pending_updates()) == 1
