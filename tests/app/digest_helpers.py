"""Articles stored for the digest tests, and services whose recent digests hold them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app.services import Services
from bot.config import Settings
from bot.core.domain import ArticleDraft
from tests.fakes import FakeSummarizer

NOW = datetime(2024, 11, 10, tzinfo=UTC)
RUSSIA = (
    "Russia expanded its gas exports to Asia. Russian officials in Moscow said Russia wants to "
    "sell more gas. Russia signed new contracts with buyers in India."
)
FARMING = (
    "Farmers in Brazil expect a record soybean harvest. The crop agency raised its harvest "
    "forecast after good rains. Soybean exports from Brazil should rise."
)


def add(store, title, text, *, published=None, received_at=NOW):
    article, _ = store.articles.add(
        ArticleDraft(title=title, text=text, source=f"{title}.txt", published=published),
        fingerprint=title,
        received_at=received_at,
    )
    return article


def recent_services(store, matcher) -> Services:
    """Services over `store` whose recent digests cover the articles `add_recent` stores."""
    return Services(
        settings=Settings(digest_days=7), store=store, summarizer=FakeSummarizer(), matcher=matcher
    )


def add_recent(store, title, text):
    return add(store, title, text, received_at=datetime.now(UTC) - timedelta(hours=1))


def add_dated(store, title, text, days_ago):
    now = datetime.now(UTC)
    published = now - timedelta(days=days_ago)
    return add(store, title, text, published=published, received_at=now - timedelta(hours=1))
