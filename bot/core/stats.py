"""What the operator's /stats shows, as plain values (collected by bot.app.stats, written out
by bot.render.replies)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.core.domain import Feed
from bot.core.texts import N_

# The names of sources that stand for several (translated where /stats is written out).
FILES = N_("files")  # every local file together
OTHER_SOURCES = N_("other sources")  # the sources beyond the busiest shown
GROUP_NAMES = frozenset({FILES, OTHER_SOURCES})


@dataclass(frozen=True)
class SourceCounts:
    """Articles from one source (or the rest of them) on each of the days shown."""

    name: str  # a host, a stored source, or one of GROUP_NAMES
    per_day: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.per_day)


@dataclass(frozen=True)
class BotStats:
    """Everything /stats shows."""

    days: tuple[date, ...]  # oldest first, the last is today
    sources: tuple[SourceCounts, ...]  # busiest first, then OTHER_SOURCES if any
    summaries_pending: int
    chats: int
    active_chats: int
    subscriptions: int
    deliveries_sent: int
    deliveries_failed: int
    deliveries_sending: int
    failing_feeds: tuple[Feed, ...]
