"""The dependencies every use case takes: the settings, the store and the models (built by
bot.wiring, which is the only place that knows how)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.store import Store
from summarizer.base import Summarizer
from summarizer.topics.matcher import TopicMatcher


@dataclass
class Services:
    """Everything a command needs besides Telegram."""

    settings: Settings
    store: Store
    summarizer: Summarizer
    matcher: TopicMatcher
