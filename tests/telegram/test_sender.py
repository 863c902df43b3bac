"""The sender of digest messages (bot.telegram.sender): what Telegram's faults become, through a
recording stand-in for python-telegram-bot's Bot, on a real SQLite store. Most tests push a
digest (bot.app.pushes) through it, as the bot does."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.app.pushes import deliver_due
from bot.app.sending import NextPageButton, SendStatus
from bot.app.services import Services
from bot.core.domain import RenderedMessage
from bot.telegram.sender import CHAT_INTERVAL_S, TelegramSender
from tests.pushes import RUSSIA, START, add, add_long_reports, push_services, subscribe


class RecordingBot:
    """Collects sent messages; `failures` maps a send's index to the error it raises."""

    def __init__(self, failures: dict[int, Exception] | None = None) -> None:
        self.sent: list[tuple[int, str]] = []
        self.options: list[dict] = []
        self.failures = failures or {}
        self.attempts = 0

    async def send_message(self, chat_id: int, text: str, **kwargs) -> None:
        attempt, self.attempts = self.attempts, self.attempts + 1
        if attempt in self.failures:
            raise self.failures[attempt]
        self.sent.append((chat_id, text))
        self.options.append(kwargs)

    @property
    def markups(self) -> list:
        return [options.get("reply_markup") for options in self.options]


@pytest.fixture
def services(sqlite_store, fake_summarizer, fake_matcher) -> Services:
    return push_services(sqlite_store, fake_summarizer, fake_matcher)


def sender(services: Services, bot: RecordingBot) -> TelegramSender:
    return TelegramSender(bot, services.store, services.settings.send_retry_delays_s)


async def test_interrupted_multi_message_digest_resumes_without_resending(services):
    subscribe(services)
    add_long_reports(services, 3)
    flaky = RecordingBot(failures={n: TimedOut("timed out") for n in (1, 2, 3)})  # 3 tries

    await deliver_due(services, sender(services, flaky), now=START)
    assert len(flaky.sent) == 1
    assert services.store.chats.subscriptions(7)[0].next_run_at == START  # not finished

    await deliver_due(services, sender(services, flaky), now=START + timedelta(seconds=30))

    texts = [text for _, text in flaky.sent]
    assert len(texts) == 3 and len(set(texts)) == 3
    assert services.store.chats.subscriptions(7)[0].next_run_at == START + timedelta(days=7)


async def test_blocked_chat_is_marked_inactive_and_gets_no_more_pushes(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot(failures={0: Forbidden("Forbidden: bot was blocked by the user")})

    await deliver_due(services, sender(services, bot), now=START)
    await deliver_due(services, sender(services, bot), now=START + timedelta(days=7))

    assert bot.sent == [] and bot.attempts == 1
    assert services.store.chats.due_subscriptions(START + timedelta(days=30)) == []


async def test_a_refusal_nothing_would_help_is_a_refused_outcome(services):
    bot = RecordingBot(failures={0: BadRequest("Chat not found")})

    outcome = await sender(services, bot).send(7, RenderedMessage("<b>Digest</b>"))

    assert outcome.status is SendStatus.REFUSED and outcome.error == "Chat not found"
    assert bot.sent == []


async def test_timeout_is_retried_in_the_same_run_and_logged_as_unknown_outcome(services, caplog):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot(failures={0: TimedOut("timed out"), 1: NetworkError("connection reset")})

    assert await deliver_due(services, sender(services, bot), now=START) == 1

    assert len(bot.sent) == 1 and bot.attempts == 3
    assert caplog.text.count("outcome unknown") == 2


async def test_flood_limit_outlasting_the_rate_limiter_leaves_the_digest_for_a_later_tick(
    services, caplog
):
    subscribe(services)
    add_long_reports(services, 2)
    bot = RecordingBot(failures={1: RetryAfter(5)})

    assert await deliver_due(services, sender(services, bot), now=START) == 0
    assert len(bot.sent) == 1 and "still flood-limited" in caplog.text
    assert services.store.chats.subscriptions(7)[0].next_run_at == START

    later = START + timedelta(seconds=30)
    assert await deliver_due(services, sender(services, bot), now=later) == 1
    texts = [text for _, text in bot.sent]
    assert len(texts) == 2 and len(set(texts)) == 2


async def test_blocked_chat_that_writes_again_gets_its_pushes_back(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    blocked = RecordingBot(failures={0: Forbidden("Forbidden: bot was blocked by the user")})
    await deliver_due(services, sender(services, blocked), now=START)
    assert services.store.chats.due_subscriptions(START) == []

    services.store.chats.set_active(7, True)  # what any message from the chat does
    bot = RecordingBot()
    await deliver_due(services, sender(services, bot), now=START + timedelta(minutes=1))

    [(_, text)] = bot.sent
    assert "Russia gas exports" in text


async def test_too_long_message_is_re_split_and_all_of_it_sent(services):
    subscribe(services)
    add_long_reports(services, 1)
    bot = RecordingBot(failures={0: BadRequest("Message is too long")})

    assert await deliver_due(services, sender(services, bot), now=START) == 1

    texts = [text for _, text in bot.sent]
    assert len(texts) == 2
    assert texts[0].startswith("<b>Digest: russia</b>")
    assert sum(text.count("Russia and the Kremlin.") for text in texts) == 125


async def test_refused_markup_falls_back_to_plain_text(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot(failures={0: BadRequest("Can't parse entities: unsupported start tag")})

    assert await deliver_due(services, sender(services, bot), now=START) == 1

    [(_, text)] = bot.sent
    assert text.startswith("Digest: russia\n") and "<b>" not in text
    assert "Russia gas exports" in text


async def test_a_repaired_message_keeps_its_articles_on_its_first_piece(services):
    bot = RecordingBot(failures={0: BadRequest("Message is too long")})
    message = RenderedMessage("<b>Title</b>\n" + "Long sentence here. " * 300, ((5, "Title"),))

    outcome = await sender(services, bot).send(7, message)

    assert outcome.status is SendStatus.REPAIRED and len(outcome.replacement) == 2
    assert [piece.articles for piece in outcome.replacement] == [((5, "Title"),), ()]
    assert bot.sent == []  # the caller sends (and a push records) the replacement


async def test_migrated_group_gets_the_digest_under_its_new_id(services):
    subscribe(services, chat_id=-5)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot(failures={0: ChatMigrated(-1005)})

    assert await deliver_due(services, sender(services, bot), now=START) == 1

    [(chat_id, text)] = bot.sent
    assert chat_id == -1005 and "Russia gas exports" in text
    assert services.store.chats.subscriptions(-5) == []
    assert [s.topic for s in services.store.chats.subscriptions(-1005)] == ["russia"]


async def test_pushed_summaries_are_shortened_and_each_message_has_its_buttons(services):
    services.settings.push_summary_chars = 200
    subscribe(services)
    add_long_reports(services, 2)
    bot = RecordingBot()

    await deliver_due(services, sender(services, bot), now=START)

    [(_, text)] = bot.sent
    assert text.count(" …") == 2 and "Russia and the Kremlin. " * 10 not in text
    [markup] = bot.markups
    labels = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    [subscription] = services.store.chats.subscriptions(7)
    articles = {
        a.title: a.id for a in services.store.articles.received_between(START - timedelta(9), START)
    }
    assert labels == [
        [("Full summary: Russia report 0", f"f:1:0:{articles['Russia report 0']}")],
        [("Full summary: Russia report 1", f"f:1:0:{articles['Russia report 1']}")],
        [("Pause", f"h:{subscription.id}"), ("Unsubscribe", f"u:{subscription.id}")],
    ]


async def test_a_next_page_button_goes_into_the_forum_topic_with_the_message(services):
    bot = RecordingBot()

    outcome = await sender(services, bot).send(
        7, RenderedMessage("page 1"), buttons=NextPageButton("russia", 2), thread_id=42
    )

    assert outcome.status is SendStatus.SENT and outcome.chat_id == 7
    [options] = bot.options
    assert options["message_thread_id"] == 42 and options["parse_mode"] == "HTML"
    [[button]] = options["reply_markup"].inline_keyboard
    assert button.callback_data == "p:2:russia"


async def test_one_chat_gets_a_message_a_second_while_other_chats_are_not_held(services):
    shared = sender(services, RecordingBot())
    started = time.monotonic()

    for chat_id in (7, 8, 7):
        await shared.send(chat_id, RenderedMessage("hello"))

    assert CHAT_INTERVAL_S <= time.monotonic() - started < 2 * CHAT_INTERVAL_S


async def test_a_message_for_a_deleted_forum_topic_goes_to_the_chat_instead(services, caplog):
    bot = RecordingBot(failures={0: BadRequest("Message thread not found")})

    outcome = await sender(services, bot).send(
        7, RenderedMessage("<b>Digest</b>"), thread_id=42, silent=True
    )

    assert outcome.status is SendStatus.SENT
    [options] = bot.options
    assert options["message_thread_id"] is None and options["disable_notification"] is True
    assert "its forum topic 42 is gone" in caplog.text


async def test_a_refusal_outside_a_forum_topic_is_not_retried_without_one(services):
    bot = RecordingBot(failures={0: BadRequest("Message thread not found")})

    outcome = await sender(services, bot).send(7, RenderedMessage("<b>Digest</b>"))

    assert outcome.status is SendStatus.REFUSED and bot.sent == []
