"""Selecting a topic's articles for a period: the step between the store and the formatter.

Used alike by /digest, `digestbot digest` and scheduled pushes. Passage vectors are read from the
store; an article that has none yet (the worker has not reached it) gets them here, once.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from bot.domain import Digest, DigestItem, StoredArticle
from bot.services import Services
from bot.store import Store
from summarizer.base import Summarizer
from summarizer.errors import SummarizerError
from summarizer.keywords import frequent_subjects
from summarizer.topics import TopicCandidate, TopicMatcher

log = logging.getLogger(__name__)

MAX_TOPIC_CHARS = 100


def normalize_topic(raw: str) -> str:
    """Lower-case a user's topic and collapse its whitespace; ValueError if empty or too long."""
    topic = " ".join(re.sub(r"[^\w\s'-]", " ", raw.lower()).split())
    if not topic:
        raise ValueError("Give a topic, e.g. /digest russia or /digest north korea.")
    if len(topic) > MAX_TOPIC_CHARS:
        raise ValueError(f"A topic is at most {MAX_TOPIC_CHARS} characters.")
    return topic


def ensure_vectors(
    store: Store, matcher: TopicMatcher, articles: list[StoredArticle]
) -> dict[int, object]:
    """Passage vectors of `articles` by the matcher's model, computing and storing missing ones."""
    vectors = store.vectors([a.id for a in articles], matcher.model_key)
    missing = [a for a in articles if a.id not in vectors]
    if missing:
        computed = matcher.vectors_many([(a.title, a.text) for a in missing])
        for article, array in zip(missing, computed, strict=True):
            store.save_vectors(article.id, matcher.model_key, array)
            vectors[article.id] = array
    return vectors


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
        articles = store.articles_received_between(since, until)
    else:
        articles = store.articles_dated_between(since, until)
    vectors = ensure_vectors(store, matcher, articles)
    candidates = [TopicCandidate(a.id, a.title, a.text, vectors[a.id]) for a in articles]
    relevance = {m.id: m.relevance for m in matcher.match(topic, candidates)}
    by_id = {a.id: a for a in articles}
    chosen = sorted(
        (by_id[i] for i in relevance),
        key=lambda a: (-round(relevance[a.id], 2), -a.dated.timestamp()),
    )
    summaries = store.summaries([a.id for a in chosen], summary_key)
    items = [DigestItem(a, summaries.get(a.id), relevance[a.id]) for a in chosen]
    overview = digest_overview(summarizer, items) if summarizer else None
    return Digest(topic=topic, since=since, until=until, items=items, overview=overview)


def digest_overview(summarizer: Summarizer, items: list[DigestItem]) -> str | None:
    """The summarizer's overview of the items' summaries; None under two summaries or on failure
    (a digest without an overview is still worth sending)."""
    summaries = [item.summary for item in items if item.summary]
    if len(summaries) < 2:
        return None
    try:
        return summarizer.overview(summaries) or None
    except SummarizerError as exc:
        log.error("overview of %d summaries failed: %s", len(summaries), exc)
        return None


def recent_digest(services: Services, topic: str, *, days: int | None = None) -> Digest:
    """The digest of `topic` over the last `days` (default: the `digest_days` setting)."""
    until = datetime.now(UTC)
    since = until - timedelta(days=days or services.settings.digest_days)
    return compose_digest(
        services.store,
        services.matcher,
        services.summarizer.model_key,
        topic,
        since=since,
        until=until,
        summarizer=services.summarizer,
    )


def subjects_in_period(
    store: Store, *, since: datetime, until: datetime, limit: int = 8
) -> list[str]:
    """The subjects most articles of the period talk about, to suggest as topics."""
    articles = store.articles_dated_between(since, until)
    return frequent_subjects([a.text for a in articles], limit=limit)
