"""A bounded in-memory map shared by threads: the stored articles and passage vectors one
process has read or written, which never change (an article's sources aside, see articles.py)."""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

# articles (~3 KB) and vector sets (~1.5 KB a passage) kept in memory, per cache
CACHED_ARTICLES = 120_000


class MemoryCache(Generic[K, V]):
    """Entries by key, the oldest dropped past CACHED_ARTICLES."""

    def __init__(self) -> None:
        self._entries: dict[K, V] = {}
        self._lock = threading.Lock()

    def found(self, keys: Iterable[K]) -> dict[K, V]:
        """The entries of those keys held in memory."""
        with self._lock:
            return {key: self._entries[key] for key in keys if key in self._entries}

    def remember(self, entries: dict[K, V]) -> None:
        """Keep `entries`, dropping the oldest beyond the bound."""
        with self._lock:
            self._entries.update(entries)
            while len(self._entries) > CACHED_ARTICLES:
                del self._entries[next(iter(self._entries))]

    def forget(self, key: K) -> None:
        """Drop one entry (its stored value changed)."""
        with self._lock:
            self._entries.pop(key, None)
