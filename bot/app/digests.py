"""Selecting a topic's articles for a period: the step between the store and the formatter.

Used alike by /digest, `digestbot digest` and scheduled pushes: the period's articles become
the matcher's candidates (`bot.app.candidates`), the matches are ranked (`bot.app.ranking`:
the items, with their summaries, kept in memory, made as a page or the overview reads them),
and a digest of several gets the summarizer's overview.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice

from bot.app.candidates import topic_candidates
from bot.app.ranking import RankedItems, ranked
from bot.app.services import Services
from bot.core.domain import Digest, DigestItem
from bot.store import Store
from summarizer.base import Summarizer
from summarizer.errors import SummarizerError
from summarizer.topics.matcher import TopicMatcher

log = logging.getLogger(__name__)

# The overview reads the summaries of the digest's most relevant articles only: it embeds every
# sentence it reads, and over all 2,285 articles "russia" matched among 10,000 that took 140 s
# (bench/digest_latency.py's store, a loaded machine). Ten summaries (30 sentences) took 165–190
# ms there with OMP_WAIT_POLICY=PASSIVE (1.3 s without), five about half: most of the first
# /digest of a topic. Its three sentences come from three summaries at most, so five leave it
# a choice.
OVERVIEW_ARTICLES = 5
OVERVIEW_CACHE_DIGESTS = 256  # overviews kept: a next page or a repeated topic reuses its own
# Per store, per summary model: the summaries read, by article id.
_SUMMARIES: weakref.WeakKeyDictionary[Store, dict[str, dict[int, str]]] = (
    weakref.WeakKeyDictionary()
)
# The newest summaries whose sentences the warm-up encodes for overviews: about 6,000
# sentences, a minute of one core here; older ones are encoded by the first overview needing them.
OVERVIEW_PREPARED_SUMMARIES = 2_000
PREPARE_CHUNK_SUMMARIES = 100  # a stopping bot waits for one chunk's encoding at most
CACHED_SUMMARIES = 150_000  # summaries kept in memory per store (a few hundred bytes each)
SUMMARIES_PER_READ = 5_000  # ids a warm-up's query of summaries binds (SQLite allows 32,766)
_CACHE_LOCK = threading.Lock()


def compose_digest(
    store: Store,
    matcher: TopicMatcher,
    summary_key: str,
    topic: str,
    *,
    since: datetime,
    until: datetime,
    by_arrival: bool = False,
    summarizer: Summarizer | None = None,
) -> Digest:
    """The articles about `topic` in the period, most relevant first, then most recent.

    The period applies to each article's date (publication when known, else arrival), or with
    `by_arrival` to when it arrived — what a subscription push uses, so nothing is missed.
    With `summarizer`, a digest of two or more summarized articles gets an overview.
    """
    if by_arrival:
        articles = store.articles.received_between(since, until)
    else:
        articles = store.articles.dated_between(since, until)
    candidates = topic_candidates(store, matcher, articles, by_arrival=by_arrival)
    matches = matcher.match_query(topic, candidates, articles_naming=store.articles.naming)
    found, relevance = ranked(store, (topic, by_arrival), articles, matches)
    items = RankedItems(found, relevance, lambda ids: _summaries(store, ids, summary_key))
    overview = digest_overview(summarizer, items) if summarizer else None
    return Digest(topic=topic, since=since, until=until, items=items, overview=overview)


def _summaries(store: Store, article_ids: list[int], model_key: str) -> dict[int, str | None]:
    """`Store.summaries`, the texts read before taken from memory: an article's summary by a
    model never changes once made (a failure, None, may still be retried, so it is asked
    again). A broad topic matches a fifth of a large period; its summaries were read anew on
    every /digest, a next page included."""
    with _CACHE_LOCK:
        known = _SUMMARIES.setdefault(store, {}).setdefault(model_key, {})
        found = {i: known[i] for i in article_ids if i in known}
    if missing := [i for i in article_ids if i not in found]:
        read = store.summaries.texts(missing, model_key)
        with _CACHE_LOCK:
            if len(known) > CACHED_SUMMARIES:
                known.clear()
            known.update({i: text for i, text in read.items() if text is not None})
        found |= read
    return found


def digest_overview(summarizer: Summarizer, items: Sequence[DigestItem]) -> str | None:
    """The summarizer's overview of the summaries of the first `OVERVIEW_ARTICLES` summarized
    items; None under two summaries or on failure (a digest without one is still worth sending)."""
    summaries = tuple(islice((item.summary for item in items if item.summary), OVERVIEW_ARTICLES))
    if len(summaries) < 2:
        return None
    try:
        return _overview(summarizer, summaries)
    except SummarizerError as exc:
        log.error("overview of %d summaries failed: %s", len(summaries), exc)
        return None


def remember_summaries(
    services: Services, article_ids: list[int], stopping: Callable[[], bool] = lambda: False
) -> None:
    """Read the summaries of these articles into memory, `SUMMARIES_PER_READ` at a time (giving
    up between reads once `stopping()` is true), so a topic's first /digest reads none from the
    store: the 20,000–30,000 of a broad topic among 100,000 articles took it 100–150 ms."""
    key = services.summarizer.model_key
    for start in range(0, len(article_ids), SUMMARIES_PER_READ):
        if stopping():
            return
        _summaries(services.store, article_ids[start : start + SUMMARIES_PER_READ], key)


def prepare_overviews(
    services: Services, article_ids: list[int], stopping: Callable[[], bool] = lambda: False
) -> None:
    """Read the summaries of these articles (the newest `OVERVIEW_PREPARED_SUMMARIES`) into
    memory and let the summarizer do ahead what their overviews need (the extractive one
    encodes their sentences), so a topic's first /digest does not wait for it; a failure is
    logged (each overview then does its own work). It works in chunks of
    `PREPARE_CHUNK_SUMMARIES` and gives up between them once `stopping()` is true."""
    article_ids = sorted(article_ids)[-OVERVIEW_PREPARED_SUMMARIES:]
    key = services.summarizer.model_key
    summaries = [text for text in _summaries(services.store, article_ids, key).values() if text]
    for start in range(0, len(summaries), PREPARE_CHUNK_SUMMARIES):
        if stopping():
            return
        chunk = summaries[start : start + PREPARE_CHUNK_SUMMARIES]
        try:
            services.summarizer.prepare_overview(chunk)
        except SummarizerError as exc:
            log.error("preparing the overviews of %d summaries failed: %s", len(chunk), exc)


@lru_cache(maxsize=OVERVIEW_CACHE_DIGESTS)
def _overview(summarizer: Summarizer, summaries: tuple[str, ...]) -> str | None:
    """The summarizer's overview of these summaries, remembered (a failure is not)."""
    return summarizer.overview(list(summaries)) or None


def recent_period(days: int) -> tuple[datetime, datetime]:
    """(since, until) of the last `days` days up to now."""
    until = datetime.now(UTC)
    return until - timedelta(days=days), until


def recent_digest(
    services: Services, topic: str, *, days: int | None = None, overview: bool = True
) -> Digest:
    """The digest of `topic` over the last `days` (default: the `digest_days` setting), with
    its overview unless `overview` is false."""
    since, until = recent_period(days or services.settings.digest_days)
    return compose_digest(
        services.store,
        services.matcher,
        services.summarizer.model_key,
        topic,
        since=since,
        until=until,
        summarizer=services.summarizer if overview else None,
    )
