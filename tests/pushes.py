"""Articles, subscriptions and services for the tests of scheduled pushes (bot.app.pushes) and of
the sender they go through (bot.telegram.sender), and push leases standing for other processes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app.pushes import Claimed, PushLease
from bot.app.services import Services
from bot.config import Settings
from bot.core.domain import ArticleDraft, Subscription
from tests.fakes import FakeSender

START = datetime(2024, 11, 4, 9, 0, tzinfo=UTC)  # a Monday
RUSSIA = (
    "Russia expanded its gas exports to Asia this year. Russian officials in Moscow said the "
    "Kremlin wants Russia to sell more gas to China. Russia signed new contracts with buyers."
)
FARMING = (
    "Farmers in Brazil expect a record soybean harvest this season. The crop agency raised its "
    "harvest forecast after good rains. Soybean exports to buyers abroad should rise."
)


def push_services(store, summarizer, matcher, **settings: Any) -> Services:
    """Services for pushes: no retry delays and whole summaries unless `settings` say else."""
    values: dict[str, Any] = {"send_retry_delays_s": [0.0, 0.0], "push_summary_chars": 100_000}
    return Services(
        settings=Settings(**{**values, **settings}),
        store=store,
        summarizer=summarizer,
        matcher=matcher,
    )


def add(services: Services, title: str, text: str, at: datetime) -> None:
    services.store.articles.add(
        ArticleDraft(title=title, text=text, source="test.txt"),
        fingerprint=title,
        received_at=at,
    )


def subscribe(services: Services, chat_id: int = 7, topic: str = "russia") -> None:
    services.store.chats.ensure(chat_id, timezone="UTC")
    services.store.chats.subscribe(
        chat_id,
        topic,
        schedule="weekly mon 09:00",
        next_run_at=START,
        covered_until=START - timedelta(days=7),
    )


def add_long_reports(services: Services, count: int) -> None:
    """`count` Russia articles with 3,000-character summaries: two do not fit in one message."""
    for i in range(count):
        add(services, f"Russia report {i}", RUSSIA + f" Report {i}.", START - timedelta(days=1))
    for article in services.store.articles.received_between(START - timedelta(days=8), START):
        long_summary = f"{article.title}: " + "Russia and the Kremlin. " * 125
        services.store.summaries.save(article.id, services.summarizer.model_key, text=long_summary)


class SlowSender(FakeSender):
    """Takes a moment per message, as Telegram does, so two push runs overlap."""

    async def send(self, chat_id, message, **kwargs):
        await asyncio.sleep(0.05)
        return await super().send(chat_id, message, **kwargs)


class Unclaimed(PushLease):
    """Pushes as if no other process did (the negative control): the lease is always held, and
    a subscription is neither claimed nor read again, so every process sends what it found due."""

    def renew(self) -> bool:
        return True

    def held(self) -> bool:
        return True

    def claim(self, subscription: Subscription) -> Claimed | None:
        return subscription, self.store.deliveries.unfinished(subscription.id)

    def unclaim(self, subscription: Subscription) -> None:
        pass

    def release(self) -> None:
        pass


class AlwaysHeld(PushLease):
    """A push lease two processes both hold (as around a handover: one that lost it has not
    noticed yet); their claims on subscriptions are real."""

    def renew(self) -> bool:
        return True

    def held(self) -> bool:
        return True
