"""Scheduled pushes: due digests are sent once, resumed after an interruption, coalesced after
downtime, and stopped for chats that block the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from telegram.error import BadRequest, Forbidden, TimedOut

from bot.delivery import deliver_due
from bot.domain import ArticleDraft
from bot.services import Services
from bot.settings import Settings
from bot.worker import process_batch
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
        self.failures = failures or {}
        self.attempts = 0

    async def send_message(self, chat_id: int, text: str, **kwargs) -> None:
        attempt, self.attempts = self.attempts, self.attempts + 1
        if attempt in self.failures:
            raise self.failures[attempt]
        self.sent.append((chat_id, text))


@pytest.fixture
def services(sqlite_store, fake_summarizer, fake_matcher) -> Services:
    return Services(
        settings=Settings(),
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
    assert subscription.covered_until == START


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
    flaky = RecordingBot(failures={1: TimedOut("timed out")})

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
    bot = RecordingBot(failures={0: BadRequest("Can't parse entities")})

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
