"""Buttons under a digest pushed to a channel: every reader sees the same message, so a reader
may read an article's summary (in an alert, for them alone) but only the channel's admins may
unsubscribe it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.pushes import deliver_due
from bot.app.summaries import process_batch
from bot.core.domain import ArticleDraft
from bot.telegram.handlers.context import SENDER_KEY
from bot.telegram.keyboards import parse_callback
from tests.handlers.live import LiveBot

CHANNEL = -100555
READER = 5001
ADMIN = 5002
RUSSIA = (
    "Russia expanded its gas exports to Asia this year. Russian officials in Moscow said the "
    "Kremlin wants Russia to sell more gas to China. Russia signed new contracts with buyers. "
) * 3


async def push_digest(live: LiveBot, chat_id: int, chat_type: str) -> None:
    """Subscribe the chat to russia, store one article about it, and push the digest."""
    store, now = live.services.store, datetime.now(UTC)
    live.fake.add_chat(chat_id, chat_type, title="Desk Wire")
    store.chats.ensure(chat_id, timezone="UTC")
    store.chats.subscribe(
        chat_id, "russia", schedule="weekly mon 09:00", next_run_at=now,
        covered_until=now - timedelta(days=1),
    )  # fmt: skip
    store.articles.add(
        ArticleDraft(title="Russia gas exports", text=RUSSIA, source="wire.txt"),
        fingerprint="russia",
        received_at=now - timedelta(hours=1),
    )
    process_batch(store, live.services.summarizer, live.services.matcher, limit=10)
    sender = live.application.bot_data[SENDER_KEY]
    assert await deliver_due(live.services, sender, now=now) == 1


def buttons(live: LiveBot, chat_id: int) -> tuple[int, dict[str, str]]:
    """The pushed message's id and its callback data by action."""
    [message] = live.fake.messages(chat_id)
    return message.message_id, {parse_callback(d).action: d for d in message.button_data()}


async def test_a_channel_reader_cannot_unsubscribe_the_channel(live, fake):
    await push_digest(live, CHANNEL, "channel")
    message_id, data = buttons(live, CHANNEL)

    pressed = fake.press_button(CHANNEL, message_id, data["unsubscribe"], user_id=READER)
    answer = await live.answer_to(pressed)

    assert "only this channel's admins" in answer["text"]
    assert [s.topic for s in live.services.store.chats.subscriptions(CHANNEL)] == ["russia"]
    assert [c.params["user_id"] for c in fake.calls("getChatMember")] == [READER]


async def test_a_channel_admin_can_unsubscribe_the_channel(live, fake):
    await push_digest(live, CHANNEL, "channel")
    fake.set_admins(CHANNEL, [ADMIN])
    message_id, data = buttons(live, CHANNEL)

    pressed = fake.press_button(CHANNEL, message_id, data["unsubscribe"], user_id=ADMIN)
    answer = await live.answer_to(pressed)

    assert answer["text"] == "Unsubscribed from russia."
    assert live.services.store.chats.subscriptions(CHANNEL) == []


async def test_full_summary_in_a_channel_is_an_alert_and_the_post_stays_as_it_is(live, fake):
    await push_digest(live, CHANNEL, "channel")
    message_id, data = buttons(live, CHANNEL)
    posted = fake.messages(CHANNEL)[0].text
    [article] = live.services.store.summaries.missing("another model", 10)
    long_summary = "Russia expanded its gas exports to Asia this year. " * 8
    live.services.store.summaries.save(
        article.id, live.services.summarizer.model_key, text=long_summary
    )

    pressed = fake.press_button(CHANNEL, message_id, data["full"], user_id=READER)
    answer = await live.answer_to(pressed)

    assert answer["show_alert"] is True
    whole, shown = f"Russia gas exports\n\n{long_summary}", answer["text"]
    assert len(shown) <= 200 and shown.endswith("…")
    assert whole.startswith(shown[:-1]) and whole[len(shown) - 1] == " "  # cut between words
    assert fake.calls("editMessageText") == []
    assert fake.messages(CHANNEL)[0].text == posted


async def test_full_summary_in_a_private_chat_still_shows_the_article_in_the_message(live, fake):
    await push_digest(live, 77, "private")
    message_id, data = buttons(live, 77)

    pressed = fake.press_button(77, message_id, data["full"])
    await live.answer_to(pressed)

    [message] = fake.messages(77)
    assert message.plain_text.startswith("Russia gas exports\nwire.txt")
    assert "back" in {parse_callback(d).action for d in message.button_data()}


async def test_a_press_that_fails_is_answered_to_the_presser_and_nothing_is_posted(
    live, fake, monkeypatch
):
    await push_digest(live, CHANNEL, "channel")
    message_id, data = buttons(live, CHANNEL)

    def broken(delivery_id):
        raise RuntimeError("the store broke")

    monkeypatch.setattr(live.services.store.deliveries, "get", broken)
    pressed = fake.press_button(CHANNEL, message_id, data["full"], user_id=READER)
    answer = await live.answer_to(pressed)

    assert answer == {
        "text": "Something went wrong on my side; it is logged. Please try again.",
        "show_alert": True,
    }
    assert len(fake.messages(CHANNEL)) == 1  # the digest only
