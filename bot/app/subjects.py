"""What the period's articles are about: the subjects most of them name, with counts (/topics),
and what an empty digest can offer instead (topics with articles, a longer period).

An empty digest names topics that would have articles: the period's most named subjects, each
checked by the matcher (a few matrix products each), and suggests the first of
`OLDER_PERIODS_DAYS` longer than its own whose digest of the topic is not empty.

At start-up the matcher works out the topics readers are likeliest to ask (`prepare_topics`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from datetime import datetime

from bot.app.arguments import normalize_topic
from bot.app.candidates import topic_candidates
from bot.app.digests import recent_digest
from bot.app.services import Services
from bot.core.domain import Digest
from bot.core.requests import MAX_PERIOD_DAYS, EmptyDigestAdvice
from bot.store import Store
from summarizer.topics.matcher import TopicMatcher
from summarizer.topics.query import parse_topic_query
from summarizer.topics.subjects import SubjectTally

SUGGESTION_CANDIDATES = 8
TOPICS_SHOWN = 15  # subjects /topics lists
OLDER_PERIODS_DAYS = (30, 90, 365, MAX_PERIOD_DAYS)
# Per store: the subjects of the period last counted (/topics, empty-digest suggestions).
_SUBJECT_TALLIES: weakref.WeakKeyDictionary[Store, SubjectTally] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def advise_on_empty_digest(services: Services, digest: Digest, *, days: int) -> EmptyDigestAdvice:
    """Advice for the empty `digest` of the last `days`: `topics_with_articles` of its period,
    and the first of `OLDER_PERIODS_DAYS` longer than `days` whose digest of the topic is not
    empty. The longer periods are only composed when the full-text index finds an article
    outside the period naming the topic, so a topic no stored article names costs one index
    query; a topic matched only by meaning (a category word such as "sport") gets no hint."""
    store = services.store
    suggestions = topics_with_articles(
        store, services.matcher, since=digest.since, until=digest.until, leave_out=digest.topic
    )
    in_period = {a.id for a in store.articles.dated_between(digest.since, digest.until)}
    phrases = parse_topic_query(digest.topic).phrases
    names = [
        terms for phrase in phrases for terms in services.matcher.kinds.names(phrase).search_terms
    ]
    if not store.articles.naming(names) - in_period:
        return EmptyDigestAdvice(suggestions)
    for older_days in (d for d in OLDER_PERIODS_DAYS if d > days):
        older = recent_digest(services, digest.topic, days=older_days, overview=False)
        if older.items:
            return EmptyDigestAdvice(suggestions, older_days, len(older.items))
    return EmptyDigestAdvice(suggestions)


def topics_with_articles(
    store: Store, matcher: TopicMatcher, *, since: datetime, until: datetime, leave_out: str = ""
) -> list[str]:
    """Of the `SUGGESTION_CANDIDATES` subjects most articles of the period name, the ones whose
    digest over the period has articles (each asked of the matcher, over the same candidates
    `compose_digest` would use), most named first; never `leave_out`."""
    articles = store.articles.dated_between(since, until)
    subjects = _subject_tally(store).counts(
        {a.id: a.text for a in articles}, limit=SUGGESTION_CANDIDATES
    )
    offered = [s for s, _ in subjects if s != leave_out and _is_topic(s)]
    if not offered:
        return []
    candidates = topic_candidates(store, matcher, articles)
    return [
        subject
        for subject in offered
        if matcher.match_query(subject, candidates, articles_naming=store.articles.naming)
    ]


def _is_topic(subject: str) -> bool:
    """Does `/digest <subject>` ask for exactly this subject?"""
    try:
        return normalize_topic(subject) == subject
    except ValueError:
        return False


def subject_counts_in_period(
    store: Store, since: datetime, until: datetime, *, limit: int = 8
) -> list[tuple[str, int]]:
    """The subjects most articles of the period name, with how many do (`subject_counts`, kept
    up to date per store by a `SubjectTally`). Titles are left out: Title Case would make every
    headline word look like a name."""
    articles = store.articles.dated_between(since, until)
    return _subject_tally(store).counts({a.id: a.text for a in articles}, limit=limit)


def _subject_tally(store: Store) -> SubjectTally:
    """The store's tally of subjects (`summarizer.topics.subjects.SubjectTally`): a period's count
    reads only the articles the last count did not have."""
    with _CACHE_LOCK:
        return _SUBJECT_TALLIES.setdefault(store, SubjectTally())


def prepare_topics(
    services: Services, since: datetime, until: datetime, stopping: Callable[[], bool]
) -> list[str]:
    """Have the matcher work out (and keep: `summarizer.topics.memory`) the matches over the
    period of the topics readers are likeliest to ask: the news categories' words ("sport",
    "economy") and the subjects /topics lists. A broad topic's first /digest at 100,000
    articles spent 200–350 ms reading its naming evidence; theirs now costs what a repeated
    one does, and stays so as the period moves on. Gives up between topics once `stopping()`
    is true; returns the topics prepared."""
    store, matcher = services.store, services.matcher
    candidates = topic_candidates(store, matcher, store.articles.dated_between(since, until))
    subjects = subject_counts_in_period(store, since, until, limit=TOPICS_SHOWN)
    categories = [c for c in matcher.settings.categories if matcher.kinds.is_category(c)]
    prepared = []
    for topic in dict.fromkeys([*categories, *(s for s, _ in subjects if _is_topic(s))]):
        if stopping() or not candidates:
            break
        matcher.match_query(topic, candidates, articles_naming=store.articles.naming)
        prepared.append(topic)
    return prepared
