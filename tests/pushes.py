"""Articles, subscriptions and services for the tests of scheduled pushes (bot.app.pushes) and of
the sender they go through (bot.telegram.sender)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app.services import Services
from bot.config import Settings
from bot.core.domain import ArticleDraft

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
