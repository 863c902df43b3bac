"""Selecting a topic's articles for a period: the step between the store and the formatter.

Used alike by /digest, `digestbot digest` and scheduled pushes. Passage vectors are read from the
store; an article that has none yet (the worker has not reached it) gets them here, once. Also
here: what `/digest TOPIC [PERIOD] [PAGE]` asks for (`parse_digest_request`), and what an empty
digest can offer instead (`advise_on_empty_digest`).
"""

from __future__ import annotations

import gc
import logging
import re
import threading
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import numpy as np

from bot.core.domain import Digest, DigestItem, DigestPage, StoredArticle
from bot.store import Store
from bot.wiring import Services
from summarizer.base import Summarizer
from summarizer.errors import SummarizationError, SummarizerError, batch_or_each
from summarizer.topics.aboutness import read_article
from summarizer.topics.countries import countries_by_name
from summarizer.topics.matcher import TopicMatcher
from summarizer.topics.names import topic_names
from summarizer.topics.passages import TopicCandidate
from summarizer.topics.query import TOPIC_SYNTAX, parse_topic_query
from summarizer.topics.subjects import SubjectTally

log = logging.getLogger(__name__)

MAX_TOPIC_CHARS = 100
MAX_PAGE = 9999  # the Next page button's callback data holds four digits
MAX_PERIOD_DAYS = 3650  # `/digest russia 30d`: periods of 1 day to ten years
# An empty digest names topics that would have articles: the period's most named subjects, each
# checked by the matcher (a few matrix products each), and suggests the first of these longer
# periods whose digest of the topic is not empty.
SUGGESTION_CANDIDATES = 8
OLDER_PERIODS_DAYS = (30, 90, 365, MAX_PERIOD_DAYS)
# The overview reads the summaries of the digest's most relevant articles only: it embeds every
# sentence it reads, and over all 2,285 articles "russia" matched among 10,000 that took 140 s
# (bench/digest_latency.py's store, a loaded machine). Ten summaries (30 sentences) took 165–190
# ms there with OMP_WAIT_POLICY=PASSIVE (1.3 s without), five about half: most of the first
# /digest of a topic. Its three sentences come from three summaries at most, so five leave it
# a choice.
OVERVIEW_ARTICLES = 5
OVERVIEW_CACHE_DIGESTS = 256  # overviews kept: a next page or a repeated topic reuses its own
WARM_UP_TOPIC = "news"  # the digest composed at start-up; any topic warms the same caches
# Articles cached since the last freeze are walked by every full garbage collection (about 50
# objects each); a bot taking in thousands a day would slowly regain the spikes the freeze at
# start-up removed.
REFREEZE_S = 6 * 3600
# Per store: the subjects of the period last counted (/topics, empty-digest suggestions), and
# per matcher the candidates of the period last asked.
_SUBJECT_TALLIES: weakref.WeakKeyDictionary[Store, SubjectTally] = weakref.WeakKeyDictionary()
_PERIOD_CANDIDATES: weakref.WeakKeyDictionary[
    Store, dict[tuple[int, str], tuple[TopicMatcher, PeriodCandidates]]
] = weakref.WeakKeyDictionary()
_SUMMARIES: weakref.WeakKeyDictionary[Store, dict[tuple[str, int], str]] = (
    weakref.WeakKeyDictionary()
)
CACHED_SUMMARIES = 150_000  # summaries kept in memory per store (a few hundred bytes each)
_CACHES_LOCK = threading.Lock()


def normalize_topic(raw: str) -> str:
    """Lower-case a user's topic and collapse its whitespace; ValueError (with the topic syntax)
    if empty, too long, or a query that wants nothing (`summarizer.topics.query`)."""
    topic = " ".join(re.sub(r"[^\w\s'-]", " ", raw.lower()).split())
    if not topic:
        raise ValueError(f"Give a topic, e.g. /digest russia. {TOPIC_SYNTAX}")
    if len(topic) > MAX_TOPIC_CHARS:
        raise ValueError(f"A topic is at most {MAX_TOPIC_CHARS} characters.")
    parse_topic_query(topic)
    return topic


@dataclass(frozen=True)
class DigestRequest:
    """What `/digest` is asked for: a topic, a period in days (None: the `digest_days`
    setting) and a page (from 1)."""

    topic: str
    days: int | None = None
    page: int = 1

    def command(self, page: int | None = None) -> str:
        """The command that asks for this digest again, at `page` (default: its own)."""
        page = self.page if page is None else page
        period = f" {self.days}d" if self.days else ""
        number = f" {page}" if page > 1 else ""
        return f"/digest {self.topic}{period}{number}"


def parse_digest_request(words: list[str]) -> DigestRequest:
    """The request of `/digest TOPIC [PERIOD] [PAGE]` (e.g. `/digest russia 30d 2`).

    After at least one topic word, a last word of digits 0-9 is the page and a last word of
    digits and "d" the period in days; either may come first. Any other word, `²` included,
    belongs to the topic. ValueError with a reason for a page outside 1–`MAX_PAGE`, a period
    outside 1–`MAX_PERIOD_DAYS` days, and a topic `normalize_topic` refuses.
    """
    words = list(words)
    days = page = None
    while len(words) > 1:
        last = words[-1].lower()
        if page is None and re.fullmatch(r"[0-9]+", last):
            page = _bounded(last, MAX_PAGE, "Pages are 1 to {top}, e.g. /digest russia 2.")
        elif days is None and re.fullmatch(r"[0-9]+d", last):
            days = _bounded(
                last[:-1], MAX_PERIOD_DAYS, "A period is 1 to {top} days, e.g. /digest russia 30d."
            )
        else:
            break
        words.pop()
    return DigestRequest(normalize_topic(" ".join(words)), days, page or 1)


def _bounded(digits: str, top: int, reason: str) -> int:
    """`digits` as a number from 1 to `top`; ValueError(`reason`) otherwise."""
    number = int(digits) if len(digits) <= len(str(top)) else top + 1
    if not 1 <= number <= top:
        raise ValueError(reason.format(top=top))
    return number


def paginate(digest: Digest, number: int, per_page: int) -> DigestPage:
    """Page `number` (from 1) of `digest`, `per_page` articles a page (0: all on one page).

    ValueError when the digest has fewer pages; an empty digest has one, empty, page.
    """
    total = len(digest.items)
    if per_page <= 0:
        per_page = max(total, 1)
    count = max(1, -(-total // per_page))
    if number > count:
        pages = "1 page" if count == 1 else f"{count} pages"
        raise ValueError(f"The digest of {digest.topic} has {pages}; the last is page {count}.")
    items = digest.items[(number - 1) * per_page : number * per_page]
    return DigestPage(replace(digest, items=items), number=number, count=count, total=total)


def ensure_vectors(
    store: Store,
    matcher: TopicMatcher,
    articles: list[StoredArticle],
    *,
    computed: Mapping[int, np.ndarray] | None = None,
) -> dict[int, object]:
    """Passage vectors of `articles` by the matcher's model, storing the missing ones: taken
    from `computed` (by article id, e.g. the worker's encoder pass) or computed here. An
    article the encoder fails on is left out (logged), so it cannot take a whole digest down."""
    vectors = store.summaries.vectors([a.id for a in articles], matcher.model_key)
    missing = [a for a in articles if a.id not in vectors]
    known = dict(computed or {})
    if to_compute := [a for a in missing if a.id not in known]:
        docs = [(a.title, a.text) for a in to_compute]
        fresh = batch_or_each(matcher.vectors_many, docs)
        for article, result in zip(to_compute, fresh, strict=True):
            if isinstance(result, SummarizationError):
                log.error("article %d left out of topics: %s", article.id, result)
            else:
                known[article.id] = result
    for article in missing:
        if article.id in known:
            store.summaries.save_vectors(article.id, matcher.model_key, known[article.id])
            vectors[article.id] = known[article.id]
    return vectors


def topic_candidates(
    store: Store, matcher: TopicMatcher, articles: list[StoredArticle]
) -> list[TopicCandidate]:
    """`articles` as the matcher's candidates, with their passage vectors (`ensure_vectors`).

    The candidates of the last period asked are kept (`PeriodCandidates`), so a period that
    moved on builds only its new articles' candidates, and the matcher gets the very same
    vector arrays again, whose stacked rows it carries over."""
    return _period_candidates(store, matcher).update(articles)


class PeriodCandidates:
    """The candidates of the period last asked of one store and matcher, by article id, and
    their article matrix: each article's passage vectors' unit mean, one contiguous row per
    candidate in the candidates' order (`article_matrix`), for scoring every article of the
    period against a query with one matrix-vector product. Both are carried over as the period
    moves: a call builds only what its new articles need."""

    def __init__(self, store: Store, matcher: TopicMatcher) -> None:
        self._store, self._matcher = store, matcher
        self._by_id: dict[int, TopicCandidate] = {}
        self._candidates: list[TopicCandidate] = []
        self._ids = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, 0), dtype=np.float32)
        self._lock = threading.Lock()

    def update(self, articles: list[StoredArticle]) -> list[TopicCandidate]:
        """The candidates of `articles` (those with vectors), in their order; these become
        the period kept."""
        with self._lock:
            if [c.id for c in self._candidates] == [a.id for a in articles]:
                return self._candidates
            known = self._by_id
            if missing := [a for a in articles if a.id not in known]:
                vectors = ensure_vectors(self._store, self._matcher, missing)
                known |= {
                    a.id: TopicCandidate(a.id, a.title, a.text, vectors[a.id])
                    for a in missing
                    if a.id in vectors
                }
            self._candidates = [known[a.id] for a in articles if a.id in known]
            self._by_id = {c.id: c for c in self._candidates}
            return self._candidates

    def article_matrix(self) -> tuple[np.ndarray, np.ndarray]:
        """(ids, matrix) of the kept candidates: `matrix[i]` is the unit mean of the passage
        vectors of the candidate `ids[i]` (float32, one row per candidate, in their order)."""
        with self._lock:
            ids = np.fromiter((c.id for c in self._candidates), np.int64, len(self._candidates))
            if not np.array_equal(ids, self._ids):
                self._ids, self._matrix = ids, self._carried_matrix(ids)
            return self._ids, self._matrix

    def _carried_matrix(self, ids: np.ndarray) -> np.ndarray:
        """The article matrix of `ids`, the rows of the last one's ids it keeps copied."""
        row_of = {int(i): row for row, i in enumerate(self._ids)}
        kept = np.array([row_of.get(int(i), -1) for i in ids], dtype=np.int64)
        means = [
            _unit_mean(c.passage_vectors)
            for c, row in zip(self._candidates, kept, strict=True)
            if row < 0
        ]
        dim = len(means[0]) if means else self._matrix.shape[1]
        matrix = np.empty((len(ids), dim), dtype=np.float32)
        if (kept >= 0).any():
            matrix[kept >= 0] = self._matrix[kept[kept >= 0]]
        if means:
            matrix[kept < 0] = np.stack(means)
        return matrix


def _unit_mean(vectors: np.ndarray) -> np.ndarray:
    """The unit vector along the mean of `vectors` (zero when they sum to zero)."""
    total = vectors.sum(0)
    norm = float(np.linalg.norm(total))
    return total / norm if norm > 0 else total


def _period_candidates(store: Store, matcher: TopicMatcher) -> PeriodCandidates:
    """The `PeriodCandidates` of this store and matcher (one per pair, kept with the store)."""
    with _CACHES_LOCK:
        kept = _PERIOD_CANDIDATES.setdefault(store, {})
        key = (id(matcher), matcher.model_key)
        if key not in kept or kept[key][0] is not matcher:
            kept[key] = (matcher, PeriodCandidates(store, matcher))
        return kept[key][1]


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
    candidates = topic_candidates(store, matcher, articles)
    matches = matcher.match_query(topic, candidates, articles_naming=store.articles.naming)
    relevance = {m.id: m.relevance for m in matches}
    by_id = {a.id: a for a in articles}
    chosen = sorted(
        (by_id[i] for i in relevance),
        key=lambda a: (-round(relevance[a.id], 2), -a.dated.timestamp()),
    )
    summaries = _summaries(store, [a.id for a in chosen], summary_key)
    items = [DigestItem(a, summaries.get(a.id), relevance[a.id]) for a in chosen]
    overview = digest_overview(summarizer, items) if summarizer else None
    return Digest(topic=topic, since=since, until=until, items=items, overview=overview)


def _summaries(store: Store, article_ids: list[int], model_key: str) -> dict[int, str | None]:
    """`store.summaries.texts`, the texts read before taken from memory: an article's summary by a
    model never changes once made (a failure, None, may still be retried, so it is asked
    again). A broad topic matches a fifth of a large period; its summaries were read anew on
    every /digest, a next page included."""
    with _CACHES_LOCK:
        known = _SUMMARIES.setdefault(store, {})
        found = {i: known[(model_key, i)] for i in article_ids if (model_key, i) in known}
    if missing := [i for i in article_ids if i not in found]:
        read = store.summaries.texts(missing, model_key)
        with _CACHES_LOCK:
            if len(known) > CACHED_SUMMARIES:
                known.clear()
            known.update({(model_key, i): text for i, text in read.items() if text is not None})
        found |= read
    return found


def digest_overview(summarizer: Summarizer, items: list[DigestItem]) -> str | None:
    """The summarizer's overview of the summaries of the first `OVERVIEW_ARTICLES` summarized
    items; None under two summaries or on failure (a digest without one is still worth sending)."""
    summaries = tuple(item.summary for item in items if item.summary)[:OVERVIEW_ARTICLES]
    if len(summaries) < 2:
        return None
    try:
        return _overview(summarizer, summaries)
    except SummarizerError as exc:
        log.error("overview of %d summaries failed: %s", len(summaries), exc)
        return None


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


def warm_up(services: Services) -> int:
    """Prepare for /digest right after start-up; returns how many articles the period holds.

    Embeds the topic matcher's competing categories (which loads the encoder), reads the
    country names subjects are folded by (`summarizer.topics.countries`), reads the recent
    period's articles and passage vectors into the store's memory, splits their sentences for
    the matcher (`read_article`), and (when the period holds articles) stacks the vectors, by
    composing one digest: the first /digest a user sends then costs what later ones do but for
    its topic's query and overview. Articles arriving later are remembered as they are stored.
    Then it counts the period's subjects, so /topics and an empty digest's suggestions read only
    newer articles.

    Last, what it read is moved out of the garbage collector's sight (`freeze_long_lived`).
    """
    services.matcher.embed_categories()
    countries_by_name()
    since, until = recent_period(services.settings.digest_days)
    articles = services.store.articles.dated_between(since, until)
    for article in articles:
        read_article(article.title, article.text)
    recent_digest(services, WARM_UP_TOPIC, overview=False)
    subject_counts_in_period(services.store, since, until)
    freeze_long_lived()
    return len(articles)


def freeze_long_lived() -> None:
    """Collect garbage, then move every object still alive out of the collector's sight
    (`gc.freeze`); called after warm-up and then every `REFREEZE_S` by the bot.

    The cached period is hundreds of thousands of long-lived objects (500,000 for 10,000
    articles), and each full collection walked them all: 230–270 ms in the middle of a /digest
    (bench/digest_latency.py). Reference counting still frees them when they are dropped; an
    object alive now that later becomes part of a reference cycle is never freed, so this runs
    seldom, after a collection.
    """
    gc.collect()
    gc.freeze()


@dataclass(frozen=True)
class EmptyDigestAdvice:
    """What an empty digest can offer instead: topics whose digest over the same period has
    articles, and when older articles match, the shortest longer period whose digest holds some
    (`older_days`, None when none does) with how many it holds."""

    suggestions: list[str]
    older_days: int | None = None
    older_count: int = 0


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
    naming = (
        store.articles.naming(terms)
        for phrase in phrases
        for terms in topic_names(phrase).search_terms
    )
    if not any(ids - in_period for ids in naming):
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
    with _CACHES_LOCK:
        return _SUBJECT_TALLIES.setdefault(store, SubjectTally())
