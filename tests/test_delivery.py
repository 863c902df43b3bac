"""Scheduled pushes: due digests are sent once, resumed after an interruption, coalesced after
downtime, and stopped for chats that block the bot."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from bot.app.summaries import process_batch
from bot.config import Settings
from bot.core.domain import ArticleDraft
from bot.store import open_store
from bot.telegram.delivery import PushLease, deliver_due
from bot.wiring import Services
from summarizer.text import split_sentences

START = datetime(2024, 11, 4, 9, 0, tzinfo=UTC)  # a Monday
RUSSIA = (
    "Russia expanded its gas exports to Asia this year. Russian officials in Moscow said the "
    "Kremlin wants Russia to sell more gas to China. Russia signed new contracts with buyers."
)
FARMING = (
    "Farmers in Brazil expect a record soybean harvest this season. The crop agency raised its "
    "harvest forecast after good rains. Soybean exports to buyers abroad should rise."
)


class RecordingBot:
    """Collects sent messages; `failures` maps a send's index to the error it raises."""

    def __init__(self, failures: dict[int, Exception] | None = None) -> None:
        self.sent: list[tuple[int, str]] = []
        self.markups: list = []
        self.failures = failures or {}
        self.attempts = 0

    async def send_message(self, chat_id: int, text: str, **kwargs) -> None:
        attempt, self.attempts = self.attempts, self.attempts + 1
        if attempt in self.failures:
            raise self.failures[attempt]
        self.sent.append((chat_id, text))
        self.markups.append(kwargs.get("reply_markup"))


@pytest.fixture
def services(sqlite_store, fake_summarizer, fake_matcher) -> Services:
    return Services(
        settings=Settings(send_retry_delays_s=[0.0, 0.0], push_summary_chars=100_000),
        store=sqlite_store,
        summarizer=fake_summarizer,
        matcher=fake_matcher,
    )


def add(services: Services, title: str, text: str, at: datetime) -> None:
    services.store.add_article(
        ArticleDraft(title=title, text=text, source="test.txt"),
        fingerprint=title,
        received_at=at,
    )


def subscribe(services: Services, chat_id: int = 7, topic: str = "russia") -> None:
    services.store.ensure_chat(chat_id, timezone="UTC")
    services.store.subscribe(
        chat_id,
        topic,
        schedule="weekly mon 09:00",
        next_run_at=START,
        covered_until=START - timedelta(days=7),
    )


async def test_due_digest_holds_matching_new_articles_and_is_sent_once(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    add(services, "Soybean harvest", FARMING, START - timedelta(days=1))
    bot = RecordingBot()

    await deliver_due(services, bot, now=START)
    await deliver_due(services, bot, now=START + timedelta(minutes=1))

    [(chat_id, text)] = bot.sent
    assert chat_id == 7
    assert "Russia gas exports" in text and "Soybean harvest" not in text
    [subscription] = services.store.subscriptions(7)
    assert subscription.next_run_at == START + timedelta(days=7)
    settle = timedelta(seconds=services.settings.arrival_settle_s)
    assert subscription.covered_until == START - settle


async def test_next_push_holds_only_articles_that_arrived_since_the_last(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot()
    await deliver_due(services, bot, now=START)
    add(services, "Russia new contracts", RUSSIA + " More contracts.", START + timedelta(days=2))

    await deliver_due(services, bot, now=START + timedelta(days=7))

    assert len(bot.sent) == 2
    assert "Russia new contracts" in bot.sent[1][1]
    assert "Russia gas exports" not in bot.sent[1][1]


async def test_an_article_still_being_stored_when_a_push_runs_is_in_the_next_push(services):
    subscribe(services)
    bot = RecordingBot()
    await deliver_due(services, bot, now=START)
    # Stamped with its arrival a moment before that push, committed only after it.
    add(services, "Russia gas exports", RUSSIA, START - timedelta(seconds=1))

    await deliver_due(services, bot, now=START + timedelta(days=7))

    [(_, text)] = bot.sent
    assert "Russia gas exports" in text


async def test_week_without_matching_articles_sends_nothing_and_moves_on(services):
    subscribe(services)
    add(services, "Soybean harvest", FARMING, START - timedelta(days=1))
    bot = RecordingBot()

    await deliver_due(services, bot, now=START)

    assert bot.sent == []
    assert services.store.subscriptions(7)[0].next_run_at == START + timedelta(days=7)


async def test_digest_missed_during_downtime_is_sent_once_not_per_missed_slot(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot()
    three_weeks_late = START + timedelta(days=21, hours=3)

    await deliver_due(services, bot, now=three_weeks_late)
    await deliver_due(services, bot, now=three_weeks_late + timedelta(minutes=1))

    assert len(bot.sent) == 1
    assert services.store.subscriptions(7)[0].next_run_at == START + timedelta(days=28)


async def test_interrupted_multi_message_digest_resumes_without_resending(services):
    subscribe(services)
    for i in range(3):
        add(services, f"Russia report {i}", RUSSIA + f" Report {i}.", START - timedelta(days=1))
    # summaries of 3,000 characters: two do not fit in one message
    for article in services.store.articles_received_between(START - timedelta(days=8), START):
        long_summary = f"{article.title}: " + "Russia and the Kremlin. " * 125
        services.store.save_summary(article.id, services.summarizer.model_key, text=long_summary)
    flaky = RecordingBot(failures={n: TimedOut("timed out") for n in (1, 2, 3)})  # 3 tries

    await deliver_due(services, flaky, now=START)
    assert len(flaky.sent) == 1
    assert services.store.subscriptions(7)[0].next_run_at == START  # not finished

    await deliver_due(services, flaky, now=START + timedelta(seconds=30))

    texts = [text for _, text in flaky.sent]
    assert len(texts) == 3 and len(set(texts)) == 3
    assert services.store.subscriptions(7)[0].next_run_at == START + timedelta(days=7)


async def test_blocked_chat_is_marked_inactive_and_gets_no_more_pushes(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot(failures={0: Forbidden("Forbidden: bot was blocked by the user")})

    await deliver_due(services, bot, now=START)
    await deliver_due(services, bot, now=START + timedelta(days=7))

    assert bot.sent == [] and bot.attempts == 1
    assert services.store.due_subscriptions(START + timedelta(days=30)) == []


async def test_refused_digest_keeps_its_articles_for_the_next_push(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot(failures={0: BadRequest("Chat not found")})

    await deliver_due(services, bot, now=START)
    await deliver_due(services, bot, now=START + timedelta(days=7))

    [(_, text)] = bot.sent
    assert "Russia gas exports" in text


async def test_a_pushed_digest_of_several_articles_opens_with_their_overview(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    add(services, "Russia oil", "Russia sells oil to India. " + RUSSIA, START - timedelta(days=1))
    process_batch(services.store, services.summarizer, services.matcher, limit=10)
    bot = RecordingBot()

    await deliver_due(services, bot, now=START)

    [(_, text)] = bot.sent
    overview = text.split("\n\n")[1]
    assert set(split_sentences(overview)) == {
        "Russia sells oil to India.",
        split_sentences(RUSSIA)[0],
    }


def add_long_reports(services: Services, count: int) -> None:
    """`count` Russia articles with 3,000-character summaries: two do not fit in one message."""
    for i in range(count):
        add(services, f"Russia report {i}", RUSSIA + f" Report {i}.", START - timedelta(days=1))
    for article in services.store.articles_received_between(START - timedelta(days=8), START):
        long_summary = f"{article.title}: " + "Russia and the Kremlin. " * 125
        services.store.save_summary(article.id, services.summarizer.model_key, text=long_summary)


async def test_timeout_is_retried_in_the_same_run_and_logged_as_unknown_outcome(services, caplog):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot(failures={0: TimedOut("timed out"), 1: NetworkError("connection reset")})

    assert await deliver_due(services, bot, now=START) == 1

    assert len(bot.sent) == 1 and bot.attempts == 3
    assert caplog.text.count("outcome unknown") == 2


async def test_flood_limit_outlasting_the_rate_limiter_leaves_the_digest_for_a_later_tick(
    services, caplog
):
    subscribe(services)
    add_long_reports(services, 2)
    bot = RecordingBot(failures={1: RetryAfter(5)})

    assert await deliver_due(services, bot, now=START) == 0
    assert len(bot.sent) == 1 and "still flood-limited" in caplog.text
    assert services.store.subscriptions(7)[0].next_run_at == START

    assert await deliver_due(services, bot, now=START + timedelta(seconds=30)) == 1
    texts = [text for _, text in bot.sent]
    assert len(texts) == 2 and len(set(texts)) == 2


async def test_blocked_chat_that_writes_again_gets_its_pushes_back(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    blocked = RecordingBot(failures={0: Forbidden("Forbidden: bot was blocked by the user")})
    await deliver_due(services, blocked, now=START)
    assert services.store.due_subscriptions(START) == []

    services.store.set_chat_active(7, True)  # what any message from the chat does
    bot = RecordingBot()
    await deliver_due(services, bot, now=START + timedelta(minutes=1))

    [(_, text)] = bot.sent
    assert "Russia gas exports" in text


async def test_too_long_message_is_re_split_and_all_of_it_sent(services):
    subscribe(services)
    add_long_reports(services, 1)
    bot = RecordingBot(failures={0: BadRequest("Message is too long")})

    assert await deliver_due(services, bot, now=START) == 1

    texts = [text for _, text in bot.sent]
    assert len(texts) == 2
    assert texts[0].startswith("<b>Digest: russia</b>")
    assert sum(text.count("Russia and the Kremlin.") for text in texts) == 125


async def test_refused_markup_falls_back_to_plain_text(services):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot(failures={0: BadRequest("Can't parse entities: unsupported start tag")})

    assert await deliver_due(services, bot, now=START) == 1

    [(_, text)] = bot.sent
    assert text.startswith("Digest: russia\n") and "<b>" not in text
    assert "Russia gas exports" in text


async def test_migrated_group_gets_the_digest_under_its_new_id(services):
    subscribe(services, chat_id=-5)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = RecordingBot(failures={0: ChatMigrated(-1005)})

    assert await deliver_due(services, bot, now=START) == 1

    [(chat_id, text)] = bot.sent
    assert chat_id == -1005 and "Russia gas exports" in text
    assert services.store.subscriptions(-5) == []
    assert [s.topic for s in services.store.subscriptions(-1005)] == ["russia"]


async def test_week_without_articles_sends_a_short_line_when_configured(services):
    services = Services(
        settings=Settings(notify_empty_digest=True),
        store=services.store,
        summarizer=services.summarizer,
        matcher=services.matcher,
    )
    subscribe(services)
    add(services, "Soybean harvest", FARMING, START - timedelta(days=1))
    bot = RecordingBot()

    await deliver_due(services, bot, now=START)
    await deliver_due(services, bot, now=START + timedelta(minutes=1))

    assert bot.sent == [(7, "Nothing new on <b>russia</b> since 28 Oct 2024.")]


async def test_pushed_summaries_are_shortened_and_each_message_has_its_buttons(services):
    services = Services(
        settings=Settings(push_summary_chars=200),
        store=services.store,
        summarizer=services.summarizer,
        matcher=services.matcher,
    )
    subscribe(services)
    add_long_reports(services, 2)
    bot = RecordingBot()

    await deliver_due(services, bot, now=START)

    [(_, text)] = bot.sent
    assert text.count(" …") == 2 and "Russia and the Kremlin. " * 10 not in text
    [markup] = bot.markups
    labels = [[(b.text, b.callback_data) for b in row] for row in markup.inline_keyboard]
    [subscription] = services.store.subscriptions(7)
    articles = {
        a.title: a.id for a in services.store.articles_received_between(START - timedelta(9), START)
    }
    assert labels == [
        [("Full summary: Russia report 0", f"f:1:0:{articles['Russia report 0']}")],
        [("Full summary: Russia report 1", f"f:1:0:{articles['Russia report 1']}")],
        [("Unsubscribe", f"u:{subscription.id}")],
    ]


async def test_subscriptions_due_together_on_one_topic_share_one_composed_digest(
    services, monkeypatch
):
    import bot.telegram.delivery

    composed = []
    real_compose = bot.telegram.delivery.compose_digest

    def counting_compose(*args, **kwargs):
        composed.append(args[3])
        return real_compose(*args, **kwargs)

    monkeypatch.setattr(bot.telegram.delivery, "compose_digest", counting_compose)
    for chat_id in (7, 8, 9):
        subscribe(services, chat_id=chat_id)
    subscribe(services, chat_id=7, topic="soybean")
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    recorder = RecordingBot()

    assert await deliver_due(services, recorder, now=START) == 4

    assert sorted(composed) == ["russia", "soybean"]
    russia = [text for chat_id, text in recorder.sent if "Russia gas exports" in text]
    assert len(russia) == 3 and len(set(russia)) == 1


class UnsubscribingBot(RecordingBot):
    """Unsubscribes the chat from its topic while its first message is on the way."""

    def __init__(self, services: Services, topic: str = "russia") -> None:
        super().__init__()
        self.services, self.topic = services, topic

    async def send_message(self, chat_id: int, text: str, **kwargs) -> None:
        self.services.store.unsubscribe(chat_id, self.topic)
        await super().send_message(chat_id, text, **kwargs)


async def test_unsubscribing_while_a_digest_is_sent_ends_that_delivery_quietly(services):
    subscribe(services, chat_id=7)
    subscribe(services, chat_id=8)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = UnsubscribingBot(services)

    finished = await deliver_due(services, bot, now=START)

    assert sorted(chat for chat, _ in bot.sent) == [7, 8]
    assert finished == 0
    assert services.store.subscriptions(7) == [] and services.store.subscriptions(8) == []


class BrokenForChat(RecordingBot):
    """Fails with an unexpected (non-Telegram) error for one chat."""

    def __init__(self, broken_chat: int) -> None:
        super().__init__()
        self.broken_chat = broken_chat

    async def send_message(self, chat_id: int, text: str, **kwargs) -> None:
        if chat_id == self.broken_chat:
            raise RuntimeError("unexpected failure")
        await super().send_message(chat_id, text, **kwargs)


async def test_an_unexpected_error_in_one_delivery_does_not_stop_the_others(services, caplog):
    services.settings.delivery_concurrency = 1
    subscribe(services, chat_id=7)
    subscribe(services, chat_id=8)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    bot = BrokenForChat(broken_chat=7)

    finished = await deliver_due(services, bot, now=START)

    assert [chat for chat, _ in bot.sent] == [8] and finished == 1
    assert "unexpected failure" in caplog.text
    [resumable] = services.store.due_subscriptions(START + timedelta(seconds=1))
    assert resumable.chat_id == 7


async def test_a_run_with_nothing_to_send_records_no_delivery(services):
    subscribe(services)
    services.store.set_schedule(
        services.store.subscriptions(7)[0].id, schedule="daily 09:00", next_run_at=START
    )
    bot = RecordingBot()

    for day in range(5):
        await deliver_due(services, bot, now=START + timedelta(days=day))

    [subscription] = services.store.subscriptions(7)
    assert bot.sent == [] and services.store.deliveries(subscription.id) == []
    assert subscription.next_run_at == START + timedelta(days=5)


class SlowBot(RecordingBot):
    """Takes a moment per message, as Telegram does, so two push runs overlap."""

    async def send_message(self, chat_id: int, text: str, **kwargs) -> None:
        await asyncio.sleep(0.05)
        await super().send_message(chat_id, text, **kwargs)


async def test_a_second_instance_on_the_same_database_sends_no_pushes(services, tmp_path):
    second = replace(services, store=open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}"))
    for chat_id in range(1, 21):
        subscribe(services, chat_id=chat_id)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    first_bot, second_bot = SlowBot(), SlowBot()

    await asyncio.gather(
        deliver_due(services, first_bot, now=START), deliver_due(second, second_bot, now=START)
    )
    await deliver_due(second, second_bot, now=START + timedelta(seconds=30))

    sent_to = sorted(chat for chat, _ in first_bot.sent + second_bot.sent)
    assert sent_to == list(range(1, 21))
    assert not first_bot.sent or not second_bot.sent
    second.store.close()


async def test_an_instance_that_released_its_lease_lets_the_next_one_push_at_once(
    services, tmp_path
):
    subscribe(services)
    add(services, "Russia gas exports", RUSSIA, START - timedelta(days=1))
    lease = PushLease.for_settings(services.store, services.settings)
    assert lease.renew()
    second = replace(services, store=open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}"))
    second_bot = RecordingBot()

    lease.release()
    await deliver_due(second, second_bot, now=START)

    assert not lease.held()
    assert [chat for chat, _ in second_bot.sent] == [7]
    assert not lease.renew()  # the other instance holds it now
    second.store.close()
