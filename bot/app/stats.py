"""The operator's view of the bot (/stats): what arrived from where in the last days, the
summaries still to make, chats and subscriptions, this week's pushes and the failing feeds.

Articles are counted by source and by day of arrival in the asker's time zone. A source is
named by what it shares with its siblings: a link by its host (every article of one site
together), a local file as "files" (each file is its own source), anything else (a Telegram
chat, a feed without links) as it is stored. The `TOP_SOURCES` busiest are shown, the rest
summed into one row.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, date, datetime, timedelta, tzinfo
from importlib.metadata import PackageNotFoundError, version
from pathlib import PurePath
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from bot.app.services import Services
from bot.core.stats import FILES, OTHER_SOURCES, BotStats, SourceCounts
from bot.ingest.documents import HTML_EXTENSIONS, TEXT_EXTENSIONS

STATS_DAYS = 7
TOP_SOURCES = 8


def collect_stats(services: Services, *, tz: tzinfo = UTC, now: datetime | None = None) -> BotStats:
    """The store's counts over the last `STATS_DAYS` days (today included, days in `tz`); a
    blocking call."""
    now = now or datetime.now(UTC)
    today = now.astimezone(tz).date()
    days = tuple(today - timedelta(days=back) for back in reversed(range(STATS_DAYS)))
    start = datetime.combine(days[0], datetime.min.time(), tzinfo=tz)
    store = services.store
    chats, active = store.stats.chats()
    deliveries = store.stats.deliveries(now - timedelta(days=STATS_DAYS))
    return BotStats(
        days=days,
        sources=_by_source(store.stats.arrivals(start), days, tz),
        summaries_pending=store.backlog.read(services.summarizer.model_key, now).summaries_pending,
        chats=chats,
        active_chats=active,
        subscriptions=store.stats.subscriptions(),
        deliveries_sent=deliveries.get("sent", 0),
        deliveries_failed=deliveries.get("failed", 0),
        deliveries_sending=deliveries.get("sending", 0),
        failing_feeds=tuple(feed for feed in store.feeds.all() if feed.failures),
    )


async def bot_stats(services: Services, chat_id: int) -> BotStats:
    """`collect_stats` for the chat `chat_id` (its days in its time zone), in a thread."""

    def collect() -> BotStats:
        timezone = services.store.chats.ensure(chat_id, timezone=services.settings.default_timezone)
        return collect_stats(services, tz=ZoneInfo(timezone))

    return await asyncio.to_thread(collect)


def source_name(source: str) -> str:
    """What a stored source is counted as: a link's host, "files" for a local file, else the
    source itself."""
    try:
        parts = urlsplit(source.strip())
        host = parts.hostname if parts.scheme in ("http", "https") else None
    except ValueError:
        host = None
    if host:
        return host.removeprefix("www.")
    if PurePath(source).suffix.lower() in TEXT_EXTENSIONS | HTML_EXTENSIONS:
        return FILES
    return source


def package_version() -> str:
    """digestbot's installed version (from the package metadata), or "unknown" when it runs
    from a source tree that was never installed."""
    try:
        return version("digestbot")
    except PackageNotFoundError:
        return "unknown"


def _by_source(
    arrivals: list[tuple[str, datetime]], days: tuple[date, ...], tz: tzinfo
) -> tuple[SourceCounts, ...]:
    """Arrivals counted per source name and day, the busiest `TOP_SOURCES` and the rest."""
    column = {day: index for index, day in enumerate(days)}
    counts: dict[str, list[int]] = {}
    for source, received_at in arrivals:
        index = column.get(received_at.astimezone(tz).date())
        if index is not None:
            counts.setdefault(source_name(source), [0] * len(days))[index] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    shown = [SourceCounts(name, tuple(per_day)) for name, per_day in ranked[:TOP_SOURCES]]
    rest: Counter[int] = Counter()
    for _, per_day in ranked[TOP_SOURCES:]:
        rest.update(dict(enumerate(per_day)))
    if rest:
        shown.append(SourceCounts(OTHER_SOURCES, tuple(rest[i] for i in range(len(days)))))
    return tuple(shown)
