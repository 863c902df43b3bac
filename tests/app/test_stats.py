"""/stats's counts: articles by source and day of arrival, summaries pending, chats,
subscriptions, this week's pushes, failing feeds; and how sources are named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.app.services import Services
from bot.app.stats import TOP_SOURCES, collect_stats, source_name
from bot.config import Settings
from bot.core.domain import ArticleDraft
from bot.core.stats import FILES, OTHER_SOURCES

NOW = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)


@pytest.fixture
def services(sqlite_store, fake_summarizer, fake_matcher) -> Services:
    return Services(Settings(_env_file=None), sqlite_store, fake_summarizer, fake_matcher)


def arrive(store, source: str, days_ago: int, title: str) -> int:
    article, _ = store.articles.add(
        ArticleDraft(title=title, text=f"{title} happened.", source=source),
        fingerprint=title,
        received_at=NOW - timedelta(days=days_ago),
    )
    return article.id


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("https://www.reuters.com/world/a-1", "reuters.com"),
        ("http://apnews.com/x", "apnews.com"),
        ("kremlin_energy.txt", FILES),
        ("notes/Quarterly.MD", FILES),
        ("Telegram: @desk", "Telegram: @desk"),
        ("Harbour Wire", "Harbour Wire"),
        ("http://[::1", "http://[::1"),  # a malformed URL is kept as it is
    ],
)
def test_a_source_is_counted_by_host_files_or_as_stored(source, name):
    assert source_name(source) == name


def test_articles_are_counted_by_source_and_day_of_the_last_week(services):
    store = services.store
    arrive(store, "https://reuters.com/a", 0, "a")
    arrive(store, "https://www.reuters.com/b", 0, "b")
    arrive(store, "https://reuters.com/c", 6, "c")
    arrive(store, "https://reuters.com/old", 7, "too old")
    arrive(store, "one.txt", 2, "d")
    arrive(store, "two.md", 2, "e")

    stats = collect_stats(services, now=NOW)

    assert stats.days[-1] == NOW.date() and len(stats.days) == 7
    assert [(s.name, s.per_day) for s in stats.sources] == [
        ("reuters.com", (1, 0, 0, 0, 0, 0, 2)),
        (FILES, (0, 0, 0, 0, 2, 0, 0)),
    ]
    assert stats.summaries_pending == 6  # the old one too: the worker has not run


def test_days_are_the_askers_days(services):
    arrive(services.store, "https://reuters.com/a", 0, "a")
    late = NOW.replace(hour=23, minute=30) - timedelta(days=1)
    services.store.articles.add(
        ArticleDraft(title="late", text="Late news.", source="https://reuters.com/late"),
        fingerprint="late",
        received_at=late,
    )

    in_utc = collect_stats(services, now=NOW)
    in_tokyo = collect_stats(services, now=NOW, tz=ZoneInfo("Asia/Tokyo"))

    assert in_utc.sources[0].per_day[-2:] == (1, 1)
    assert in_tokyo.sources[0].per_day[-1:] == (2,)  # 23:30 UTC is the next morning there


def test_past_the_busiest_sources_the_rest_are_summed(services):
    for index in range(TOP_SOURCES + 2):
        for copy in range(TOP_SOURCES + 2 - index):
            arrive(services.store, f"https://site{index}.org/{copy}", 1, f"{index}-{copy}")

    stats = collect_stats(services, now=NOW)

    names = [source.name for source in stats.sources]
    assert names[:2] == ["site0.org", "site1.org"]
    assert names[-1] == OTHER_SOURCES and len(names) == TOP_SOURCES + 1
    assert stats.sources[-1].total == 2 + 1  # the two smallest sites


def test_chats_subscriptions_pushes_and_failing_feeds_are_counted(services):
    store = services.store
    for chat in (1, 2, 3):
        store.chats.ensure(chat, timezone="UTC")
    store.chats.set_active(3, False)
    subscriptions = [
        store.chats.subscribe(1, topic, schedule="daily 08:00", next_run_at=NOW, covered_until=NOW)[
            0
        ]
        for topic in ("russia", "gas", "ports")
    ]
    for subscription, status in zip(subscriptions, ("sent", "failed", None), strict=True):
        delivery = store.deliveries.begin(
            subscription.id, due_at=NOW, covered_until=NOW, parts=["x"]
        )
        if status:
            store.deliveries.finish(delivery.id, status=status, next_run_at=NOW)
    failing, _ = store.feeds.add(
        "https://example.org/rss", title="Wire", added_by=1, interval_s=60, now=NOW
    )
    store.feeds.add("https://example.org/ok", title="Fine", added_by=1, interval_s=60, now=NOW)
    store.feeds.poll_failed(failing.id, error="HTTP 500", next_poll_at=NOW)

    stats = collect_stats(services, now=datetime.now(UTC))

    assert (stats.chats, stats.active_chats, stats.subscriptions) == (3, 2, 3)
    assert (stats.deliveries_sent, stats.deliveries_failed, stats.deliveries_sending) == (1, 1, 1)
    assert [(f.title, f.failures, f.last_error) for f in stats.failing_feeds] == [
        ("Wire", 1, "HTTP 500")
    ]
