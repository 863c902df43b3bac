"""A long digest as one view, against the fake Bot API: summaries in expandable quotes, no
"Full summary" buttons when they are whole, and a digest longer than one message offered as
one file (an HTML page and JSON, by sendDocument), for pushes and /digest answers alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from bot.app.pushes import deliver_due
from bot.app.summaries import process_batch
from bot.core.domain import ArticleDraft, PushOptions, SummaryLength
from bot.telegram.handlers.context import SENDER_KEY
from bot.telegram.keyboards import parse_callback
from tests.handlers.live import LiveBot, live_bot

CHAT, CHANNEL = 4301, -100431
RUSSIA = (
    "Russia expanded its gas exports to Asia this year. Russian officials in Moscow said the "
    "Kremlin wants Russia to sell more gas to China. Russia signed new contracts with buyers. "
)


@pytest.fixture
async def live(fake, sqlite_store, fake_matcher):
    async with live_bot(fake, sqlite_store, fake_matcher, digest_page_size=3) as running:
        yield running


def store_reports(live: LiveBot, count: int, summary_chars: int = 1500) -> None:
    """`count` Russia articles from the last hour with long summaries."""
    store, now = live.services.store, datetime.now(UTC)
    for index in range(count):
        store.articles.add(
            ArticleDraft(title=f"Russia report {index}", text=RUSSIA * 3, source="wire.txt"),
            fingerprint=f"report {index}",
            received_at=now - timedelta(hours=1),
        )
    process_batch(store, live.services.summarizer, live.services.matcher, limit=50)
    for article in store.articles.received_between(now - timedelta(days=1), now):
        summary = f"{article.title}: " + ("Russia and the Kremlin. " * 200)[:summary_chars]
        store.summaries.save(article.id, live.services.summarizer.model_key, text=summary)


async def push(
    live: LiveBot, chat_id: int, chat_type: str = "private", summary=SummaryLength.FULL
) -> None:
    """Subscribe the chat to russia with these summaries (whole by default) and push."""
    store, now = live.services.store, datetime.now(UTC)
    live.fake.add_chat(chat_id, chat_type, title="Desk Wire")
    store.chats.ensure(chat_id, timezone="UTC")
    subscription, _ = store.chats.subscribe(
        chat_id, "russia", schedule="weekly mon 09:00", next_run_at=now,
        covered_until=now - timedelta(days=1),
    )  # fmt: skip
    store.preferences.set_options(subscription.id, PushOptions(summary=summary))
    sender = live.application.bot_data[SENDER_KEY]
    assert await deliver_due(live.services, sender, now=now) == 1


def actions(message) -> list[str]:
    return [parse_callback(data).action for data in message.button_data()]


async def test_a_short_push_has_its_summaries_whole_in_expandable_quotes_and_no_summary_buttons(
    live, fake
):
    store_reports(live, 2, summary_chars=300)

    await push(live, CHAT)

    [message] = fake.messages(CHAT)
    quotes = [e for e in message.entities if e["type"] == "expandable_blockquote"]
    assert len(quotes) == 2
    assert "Russia report 0: Russia and the Kremlin." in message.plain_text
    assert " …" not in message.plain_text
    assert actions(message) == ["pause", "unsubscribe"]


async def test_short_summaries_are_cut_in_their_quotes_and_keep_their_full_summary_buttons(
    live, fake
):
    store_reports(live, 2, summary_chars=400)

    await push(live, CHAT, summary=SummaryLength.SHORT)

    [message] = fake.messages(CHAT)
    assert len([e for e in message.entities if e["type"] == "expandable_blockquote"]) == 2
    assert message.plain_text.count(" …") == 2
    assert actions(message) == ["full", "full", "pause", "unsubscribe"]


async def test_a_push_longer_than_a_message_offers_itself_as_one_html_page_and_json(live, fake):
    store_reports(live, 4)
    await push(live, CHAT)
    *first, last = fake.messages(CHAT)
    assert first and all(actions(m) == ["pause", "unsubscribe"] for m in first)
    assert actions(last) == ["pushed file", "pause", "unsubscribe"]
    [data] = [d for d in last.button_data() if d.startswith("a:")]

    pressed = fake.press_button(CHAT, last.message_id, data, user_id=CHAT)
    await live.wait_for(lambda: len(fake.calls("sendDocument")) == 2)

    page, exported = (m.document for m in fake.messages(CHAT)[-2:])
    assert page.file_name.startswith("digest-russia-") and page.file_name.endswith(".html")
    html = page.data.decode()
    assert html.startswith("<!doctype html>") and html.count("<article>") == 4
    assert ("Russia and the Kremlin. " * 60).strip() in html  # each summary whole
    assert [a["title"] for a in json.loads(exported.data)["articles"]] == [
        f"Russia report {i}" for i in range(4)
    ]
    assert (await live.answer_to(pressed)).get("text") is None


async def test_a_multi_page_digest_answer_offers_every_page_as_one_file(live, fake):
    store_reports(live, 5, summary_chars=200)

    [answer] = await live.send_and_wait(CHAT, "/digest russia 2d")

    assert actions(answer) == ["page", "digest file"]
    [data] = [d for d in answer.button_data() if d.startswith("w:")]
    assert data == "w:2d:russia"
    fake.press_button(CHAT, answer.message_id, data, user_id=CHAT)
    await live.wait_for(lambda: len(fake.calls("sendDocument")) == 2)
    exported = fake.messages(CHAT)[-1].document
    assert json.loads(exported.data)["total"] == 5


async def test_a_one_message_digest_answer_offers_no_file(live, fake):
    store_reports(live, 2, summary_chars=200)

    [answer] = await live.send_and_wait(CHAT, "/digest russia")

    assert actions(answer) == []


async def test_in_a_channel_the_file_is_refused_rather_than_posted_for_everyone(live, fake):
    store_reports(live, 4)
    await push(live, CHANNEL, "channel")
    last = fake.messages(CHANNEL)[-1]
    [data] = [d for d in last.button_data() if d.startswith("a:")]

    pressed = fake.press_button(CHANNEL, last.message_id, data, user_id=5001)
    answer = await live.answer_to(pressed)

    assert "every reader" in answer["text"] and answer["show_alert"]
    assert fake.calls("sendDocument") == []


async def test_another_chats_digest_file_is_not_sent(live, fake):
    store_reports(live, 4)
    await push(live, CHAT)
    [data] = [d for d in fake.messages(CHAT)[-1].button_data() if d.startswith("a:")]
    live.fake.add_chat(CHAT + 1, "private")
    await live.send_and_wait(CHAT + 1, "/version")

    other_message = fake.messages(CHAT + 1)[-1].message_id
    pressed = fake.press_button(CHAT + 1, other_message, data, strict=False)  # forged data
    answer = await live.answer_to(pressed)

    assert answer["text"] == "This digest is no longer available."
    assert fake.calls("sendDocument") == []
