"""The fake Bot API, driven by python-telegram-bot's own Bot and Application: it must answer
the way Telegram does for everything digestbot relies on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest
import telegram
from telegram import Update
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.ext import ApplicationBuilder, CommandHandler, ContextTypes, filters

from bot.sandbox.fakebot import FakeBotAPI
from bot.sandbox.fakebot.html import EntityParseError, parse_html

CHAT = 42


@pytest.fixture
def fake() -> Iterator[FakeBotAPI]:
    with FakeBotAPI() as server:
        server.add_chat(CHAT)
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[telegram.Bot]:
    async with telegram.Bot(
        fake.token, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot"
    ) as client:
        yield client


async def test_get_me_parses_into_a_bot_user(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    me = await bot.get_me()

    assert me.is_bot
    assert me.id == int(fake.token.split(":")[0])
    assert me.username == "digest_test_bot"


async def test_wrong_token_is_unauthorized(fake: FakeBotAPI) -> None:
    answer = httpx.post(f"{fake.url}/bot1:wrong/getMe")

    assert answer.status_code == 401
    assert answer.json()["description"] == "Unauthorized"
    with pytest.raises(InvalidToken, match="rejected by the server"):
        async with telegram.Bot("1:wrong", base_url=f"{fake.url}/bot"):
            pass


def test_unknown_method_is_not_found(fake: FakeBotAPI) -> None:
    answer = httpx.post(f"{fake.url}/bot{fake.token}/sendUnicorn", json={"chat_id": CHAT})

    assert answer.status_code == 404
    assert answer.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_html_message_is_stored_raw_and_plain(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    sent = await bot.send_message(
        CHAT, "<b>Digest</b> &amp; <a href='https://e.org'>more</a>", parse_mode="HTML"
    )

    assert sent.text == "Digest & more"
    assert [e.type for e in sent.entities] == ["bold", "text_link"]
    [stored] = fake.messages(CHAT)
    assert stored.message_id == sent.message_id
    assert stored.text == "<b>Digest</b> &amp; <a href='https://e.org'>more</a>"
    assert stored.plain_text == "Digest & more"
    assert stored.parse_mode == "HTML"


async def test_ptb_sends_forms_and_json_and_queries_work_too(
    bot: telegram.Bot, fake: FakeBotAPI
) -> None:
    await bot.send_message(CHAT, "form", disable_notification=True)
    async with httpx.AsyncClient(base_url=f"{fake.url}/bot{fake.token}") as client:
        as_json = await client.post("/sendMessage", json={"chat_id": CHAT, "text": "json"})
        as_query = await client.get("/sendMessage", params={"chat_id": CHAT, "text": "query"})

    [form_call, json_call, query_call] = fake.calls("sendMessage")
    assert form_call.content_type == "application/x-www-form-urlencoded"
    assert form_call.params == {"chat_id": CHAT, "text": "form", "disable_notification": True}
    assert json_call.content_type == "application/json"
    assert (as_json.json()["result"]["text"], as_query.json()["result"]["text"]) == (
        "json",
        "query",
    )


@pytest.mark.parametrize(
    ("html", "reason"),
    [
        ("<p>para</p>", 'Unsupported start tag "p"'),
        ("1 < 2", 'Unsupported start tag ""'),
        ("<b>open", "Can't find end tag"),
        ("<b>x</i>", "Unmatched end tag"),
        ("AT&T", "Unescaped '&'"),
    ],
)
async def test_broken_html_is_a_bad_request(bot: telegram.Bot, html: str, reason: str) -> None:
    with pytest.raises(BadRequest, match="(?i)can't parse entities") as raised:
        await bot.send_message(CHAT, html, parse_mode="HTML")

    assert reason.lower() in raised.value.message.lower()


def test_telegram_keeps_a_bare_ampersand_when_not_strict() -> None:
    assert parse_html("AT&T &nbsp;", strict=False) == ("AT&T &nbsp;", [])
    with pytest.raises(EntityParseError):
        parse_html("AT&T")


def test_pre_with_nested_code_carries_the_language() -> None:
    plain, entities = parse_html('<pre><code class="language-py">x = 1</code></pre>')

    assert plain == "x = 1"
    assert entities == [{"type": "pre", "language": "py", "offset": 0, "length": 5}]


async def test_length_is_counted_after_parsing(bot: telegram.Bot) -> None:
    await bot.send_message(CHAT, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")

    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(CHAT, "a" * 4097)


async def test_length_is_counted_in_utf16_code_units(bot: telegram.Bot) -> None:
    await bot.send_message(CHAT, "😀" * 2048)

    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(CHAT, "😀" * 2048 + "a")


async def test_text_empty_after_parsing_is_refused(bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(CHAT, "<b> </b>", parse_mode="HTML")


async def test_unknown_chat_is_not_found(bot: telegram.Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(999, "hello")


async def test_get_updates_returns_when_an_update_arrives(
    bot: telegram.Bot, fake: FakeBotAPI
) -> None:
    loop = asyncio.get_running_loop()
    loop.call_later(0.3, fake.send_text, CHAT, "hello")
    started = time.monotonic()

    updates = await bot.get_updates(timeout=5)

    assert 0.2 < time.monotonic() - started < 3
    assert [u.message.text for u in updates] == ["hello"]


async def test_get_updates_returns_empty_after_the_timeout(bot: telegram.Bot) -> None:
    started = time.monotonic()

    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 2


async def test_offset_confirms_earlier_updates(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    first = fake.send_text(CHAT, "one")
    fake.send_text(CHAT, "two")

    assert len(await bot.get_updates()) == 2
    again = await bot.get_updates(offset=first + 1)

    assert [u.message.text for u in again] == ["two"]
    assert [u["message"]["text"] for u in fake.pending_updates()] == ["two"]
    assert len(await bot.get_updates(limit=1)) == 1


async def test_allowed_updates_filters_later_updates(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.send_text(CHAT, "queued before")

    first = await bot.get_updates(allowed_updates=["channel_post"])
    fake.send_text(CHAT, "filtered")
    fake.channel_post(-1001, "post")
    later = await bot.get_updates(offset=first[-1].update_id + 1)

    assert [u.message.text for u in first] == ["queued before"]
    assert [u.channel_post.text for u in later] == ["post"]


async def test_second_poller_ends_the_first_with_conflict(
    bot: telegram.Bot, fake: FakeBotAPI
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    async with telegram.Bot(fake.token, base_url=f"{fake.url}/bot") as second_instance:
        second = asyncio.create_task(second_instance.get_updates(timeout=1))

        with pytest.raises(Conflict, match="terminated by other getUpdates"):
            await first
        assert await second == ()


async def test_command_update_matches_command_handler(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.send_text(CHAT, "/digest@digest_test_bot tech", username="ann")

    [update] = await bot.get_updates()

    handler = CommandHandler("digest", lambda u, c: None)
    assert update.message.text == "/digest@digest_test_bot tech"
    assert handler.check_update(update)
    assert filters.COMMAND.check_update(update)
    assert update.effective_user.username == "ann"
    assert update.effective_chat.type == "private"


async def test_group_messages_come_from_a_member(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.send_text(-100200, "/start", chat_type="supergroup", title="News")

    [update] = await bot.get_updates()

    assert update.effective_chat.title == "News"
    assert update.effective_user.id == 4242


async def test_injected_429_is_retry_after(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.fail_next("sendMessage", "429", retry_after=7)

    with pytest.raises(RetryAfter) as raised:
        await bot.send_message(CHAT, "x")

    assert raised.value.retry_after == timedelta(seconds=7)
    assert fake.messages(CHAT) == []
    await bot.send_message(CHAT, "x")
    assert [c.status for c in fake.calls("sendMessage")] == [429, 200]


async def test_injected_403_is_forbidden_for_that_chat_only(
    bot: telegram.Bot, fake: FakeBotAPI
) -> None:
    fake.add_chat(43)
    fake.fail_next("sendMessage", "403", chat_id=CHAT)

    await bot.send_message(43, "other chat")
    with pytest.raises(Forbidden, match="blocked by the user"):
        await bot.send_message(CHAT, "x")


async def test_blocked_chat_stays_forbidden(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.block(CHAT)

    for _ in range(2):
        with pytest.raises(Forbidden):
            await bot.send_message(CHAT, "x")


async def test_migrated_group_names_the_new_chat(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.add_chat(-5, "group")
    fake.fail_next("sendMessage", "migrate", migrate_to_chat_id=-1005)

    with pytest.raises(telegram.error.ChatMigrated) as raised:
        await bot.send_message(-5, "x")

    assert raised.value.new_chat_id == -1005


async def test_dropped_connection_is_a_network_error(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.fail_next("sendMessage", "drop")

    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "x")
    assert fake.messages(CHAT) == []


async def test_hang_ends_in_the_clients_timeout(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.fail_next("sendMessage", "timeout")

    with pytest.raises(telegram.error.TimedOut):
        await bot.send_message(CHAT, "x", read_timeout=0.5)


async def test_processed_then_dropped_message_is_recorded(
    bot: telegram.Bot, fake: FakeBotAPI
) -> None:
    fake.process_then_fail("sendMessage", "drop")

    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "maybe delivered")

    assert [m.plain_text for m in fake.messages(CHAT)] == ["maybe delivered"]


async def test_flood_limits_when_enforced() -> None:
    with FakeBotAPI(enforce_limits=True) as fake:
        fake.add_chat(CHAT)
        async with telegram.Bot(fake.token, base_url=f"{fake.url}/bot") as client:
            await client.send_message(CHAT, "first")
            with pytest.raises(RetryAfter) as raised:
                await client.send_message(CHAT, "second")

    assert raised.value.retry_after == timedelta(seconds=1)


async def test_document_round_trip(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    data = b"<opml version='2.0'/>" * 100
    fake.send_document(CHAT, "feeds.opml", data, mime_type="text/x-opml", caption="/import")

    [update] = await bot.get_updates()
    document = update.message.document
    file = await bot.get_file(document.file_id)

    assert document.file_name == "feeds.opml"
    assert update.message.caption_entities[0].type == "bot_command"
    assert bytes(await file.download_as_bytearray()) == data


async def test_bot_documents_are_stored_with_caption(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    sent = await bot.send_document(
        CHAT, b"<opml/>", filename="export.opml", caption="<i>your feeds</i>", parse_mode="HTML"
    )

    [stored] = fake.messages(CHAT)
    assert sent.caption == "your feeds"
    assert stored.document is not None
    assert (stored.document.file_name, stored.document.data) == ("export.opml", b"<opml/>")


async def test_button_press_is_a_callback_query(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    markup = telegram.InlineKeyboardMarkup.from_button(
        telegram.InlineKeyboardButton("More", callback_data="more:1")
    )
    sent = await bot.send_message(CHAT, "Digest", reply_markup=markup)

    update_id = fake.press_button(CHAT, sent.message_id, "more:1")
    [update] = await bot.get_updates()
    query = update.callback_query
    await query.answer("Loading")

    assert query.data == "more:1"
    assert query.message.message_id == sent.message_id
    assert fake.callback_answer(update_id) == {"text": "Loading"}
    with pytest.raises(ValueError, match="no button"):
        fake.press_button(CHAT, sent.message_id, "missing")


async def test_a_callback_answer_longer_than_200_characters_is_refused(
    bot: telegram.Bot, fake: FakeBotAPI
) -> None:
    markup = telegram.InlineKeyboardMarkup.from_button(
        telegram.InlineKeyboardButton("More", callback_data="more:1")
    )
    sent = await bot.send_message(CHAT, "Digest", reply_markup=markup)
    update_id = fake.press_button(CHAT, sent.message_id, "more:1")
    [update] = await bot.get_updates()

    with pytest.raises(BadRequest, match="(?i)MESSAGE_TOO_LONG"):
        await update.callback_query.answer("x" * 201, show_alert=True)
    await update.callback_query.answer("x" * 200, show_alert=True)

    assert fake.callback_answer(update_id) == {"text": "x" * 200, "show_alert": True}


async def test_too_long_callback_data_is_refused(bot: telegram.Bot) -> None:
    markup = telegram.InlineKeyboardMarkup.from_button(
        telegram.InlineKeyboardButton("x", callback_data="é" * 33)
    )

    with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "x", reply_markup=markup)


async def test_edit_updates_the_stored_message(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    sent = await bot.send_message(CHAT, "draft")

    edited = await bot.edit_message_text("<b>final</b>", CHAT, sent.message_id, parse_mode="HTML")

    [stored] = fake.messages(CHAT)
    assert edited.text == "final"
    assert (stored.plain_text, stored.text) == ("final", "<b>final</b>")
    assert [v.plain_text for v in stored.history] == ["draft"]
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("<b>final</b>", CHAT, sent.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", CHAT, 999)


async def test_delete_flags_the_message(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    sent = await bot.send_message(CHAT, "gone soon")

    assert await bot.delete_message(CHAT, sent.message_id)

    assert fake.messages(CHAT)[0].deleted
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)


async def test_replies_point_at_the_users_message(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.send_text(CHAT, "/start")
    [update] = await bot.get_updates()

    reply = await update.message.reply_text("hi", do_quote=True)

    assert reply.reply_to_message.text == "/start"
    assert fake.messages(CHAT)[0].reply_to_message_id == update.message.message_id


async def test_commands_are_recorded(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    await bot.set_my_commands([("start", "Start"), ("digest", "Latest digest")])

    assert fake.commands == [
        {"command": "start", "description": "Start"},
        {"command": "digest", "description": "Latest digest"},
    ]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "digest"]
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Bad-Name", "x")])


async def test_chat_queries_parse(bot: telegram.Bot, fake: FakeBotAPI) -> None:
    fake.add_chat(-100300, "supergroup", title="Team")
    fake.set_admins(-100300, [7], owner_id=1)

    chat = await bot.get_chat(-100300)
    admins = await bot.get_chat_administrators(-100300)
    member = await bot.get_chat_member(-100300, 9)
    await bot.send_chat_action(CHAT, "typing")
    await bot.set_chat_menu_button()

    assert chat.title == "Team"
    assert [a.status for a in admins] == ["creator", "administrator"]
    assert member.status == "member"


def test_waiting_for_messages_times_out_saying_what_came(fake: FakeBotAPI) -> None:
    with pytest.raises(TimeoutError, match=r"expected 1 bot messages within 0.2 s, got \[\]"):
        fake.wait_for_messages(CHAT, 1, timeout=0.2)


async def test_real_application_answers_start(fake: FakeBotAPI) -> None:
    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text("hi")

    app = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(f"{fake.url}/bot")
        .base_file_url(f"{fake.url}/file/bot")
        .build()
    )
    app.add_handler(CommandHandler("start", start))

    async with app:
        await app.start()
        await app.updater.start_polling(poll_interval=0, timeout=1)
        replies = await asyncio.to_thread(fake.send_and_wait, CHAT, "/start")
        await app.updater.stop()
        await app.stop()

    assert [m.plain_text for m in replies] == ["hi"]
    assert [c.method for c in fake.calls()][:3] == ["getMe", "deleteWebhook", "getUpdates"]
    assert fake.pending_updates() == []
