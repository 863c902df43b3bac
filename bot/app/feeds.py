"""Following feeds: the database is the schedule (fetcher → parser → store, state saved each poll).

A tick asks the store for feeds whose `next_poll_at` has passed and polls each:
1. Conditional GET through the guarded fetcher (If-None-Match / If-Modified-Since from the
   last answer); a 304 only moves `next_poll_at` on by the feed's interval.
2. The entries are parsed; an entry whose id, link or text fingerprint was seen before is
   skipped. A new entry with only a teaser has its linked page fetched (same fetcher, same
   address guard); otherwise its own text is the article. Its drafts are complete before
   anything is stored, so a failing entry stores nothing.
3. Entries are marked seen after they are stored, or when they can never be (not an article,
   404); an entry whose page timed out or whose server failed stays unseen and is retried at
   the next poll. A crash between storing and marking is harmless: the store keeps the same
   content once. Entries seen before have their keys' time renewed (one statement a poll), so
   retention (`keep_days`) forgets only the keys of entries gone from the feed that long.
4. A poll that fails as a whole (unreachable, not a feed) backs off exponentially: the next
   poll waits interval × 2^failures, at most `feed_max_backoff_s`. After FAILURES_TO_REPORT
   failures in a row the admin who added the feed is told once; a success resets the streak.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.app.intake import StoredOutcome, store_drafts
from bot.config import MAX_FEED_INTERVAL_S, Settings
from bot.core.domain import ArticleDraft, Feed
from bot.ingest.articles import KnownMetadata, build_drafts
from bot.ingest.errors import (
    ConnectionFailedError,
    FetchError,
    FetchTimeoutError,
    HTTPStatusError,
    IngestError,
)
from bot.ingest.feeds import FEED_TYPES, FeedEntry, parse_feed
from bot.ingest.fetch import FetchLimits, fetch
from bot.ingest.pages import parse_page
from bot.metrics import FEED_POLLS
from bot.store import Store

log = logging.getLogger(__name__)

FAILURES_TO_REPORT = 3
MAX_ENTRIES_PER_POLL = 50


@dataclass(frozen=True)
class PollResult:
    """What one poll of a feed did; `report` is True when its admin must now be told."""

    feed: Feed
    stored: list[StoredOutcome] = field(default_factory=list)
    not_modified: bool = False
    error: str | None = None
    report: bool = False

    @property
    def outcome(self) -> str:
        """The poll's outcome as the metrics count it (bot.metrics.FEED_POLLS)."""
        if self.error is not None:
            return "failed"
        if self.not_modified:
            return "not_modified"
        return "new_articles" if self.stored else "unchanged"


def follow_feed(
    store: Store, url: str, *, added_by: int, interval_s: int, limits: FetchLimits, now: datetime
) -> tuple[Feed, bool]:
    """Check that `url` is a readable feed and follow it (first poll due at once).

    Raises IngestError (FetchError, NotAFeedError) with a reason the user can act on.
    """
    page = fetch(url, limits, accept=FEED_TYPES)
    parsed = parse_feed(page.content, page.url)
    return store.feeds.add(
        page.url, title=parsed.title or page.url, added_by=added_by, interval_s=interval_s, now=now
    )


def poll_due_feeds(store: Store, settings: Settings, now: datetime) -> list[PollResult]:
    """Poll every feed that is due, saving each one's state as it goes. A feed whose poll fails
    unexpectedly is logged and backed off like an unreachable one; the others are still polled.

    First checks that the database file is still the one opened: DatabaseGone (nothing polled)
    when it was deleted or replaced, so that the bot stops rather than write to a lost file.
    """
    store.check_file()
    limits = FetchLimits.from_settings(settings)
    return [_poll_guarded(store, feed, settings, limits, now) for feed in store.feeds.due(now)]


def poll_feed_if_due(
    store: Store, settings: Settings, feed_id: int, now: datetime
) -> PollResult | None:
    """Poll one feed, as a job of cluster mode does, if it still exists and is still due
    (another job may have polled it since the job was queued); None when it was not polled."""
    feed = store.feeds.get(feed_id)
    if feed is None or feed.next_poll_at > now:
        return None
    return _poll_guarded(store, feed, settings, FetchLimits.from_settings(settings), now)


def _poll_guarded(
    store: Store, feed: Feed, settings: Settings, limits: FetchLimits, now: datetime
) -> PollResult:
    """`poll_feed`, with a failure it did not expect logged and backed off like any failure."""
    try:
        result = poll_feed(
            store,
            feed,
            limits=limits,
            max_chars=settings.max_article_chars,
            max_backoff_s=settings.feed_max_backoff_s,
            now=now,
        )
    except Exception:  # one feed's bug or bad row never stops the other feeds
        log.exception("feed %d (%s): poll failed unexpectedly", feed.id, feed.url)
        error = "an internal error (see the bot's log)"
        result = _failed(store, feed, error, settings.feed_max_backoff_s, now)
    FEED_POLLS.labels(result.outcome).inc()
    if result.stored:
        log.info("feed %d: %d articles taken in", feed.id, len(result.stored))
    return result


def poll_feed(
    store: Store,
    feed: Feed,
    *,
    limits: FetchLimits,
    max_chars: int,
    max_backoff_s: int,
    now: datetime,
) -> PollResult:
    """Poll one feed: store its new entries and save when to poll it next."""
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    next_poll_at = now + timedelta(seconds=min(feed.interval_s, MAX_FEED_INTERVAL_S))
    try:
        page = fetch(feed.url, limits, accept=FEED_TYPES, headers=headers)
        if page.not_modified:
            store.feeds.poll_succeeded(
                feed.id,
                title=None,
                etag=feed.etag,
                last_modified=feed.last_modified,
                next_poll_at=next_poll_at,
            )
            return PollResult(feed, not_modified=True)
        parsed = parse_feed(page.content, feed.url)
    except IngestError as exc:
        return _failed(store, feed, str(exc), max_backoff_s, now)
    entries = parsed.entries[:MAX_ENTRIES_PER_POLL]
    stored = _store_new_entries(store, feed, entries, limits=limits, max_chars=max_chars, now=now)
    store.feeds.poll_succeeded(
        feed.id,
        title=parsed.title,
        etag=page.etag,
        last_modified=page.last_modified,
        next_poll_at=next_poll_at,
    )
    return PollResult(feed, stored=stored)


def _store_new_entries(
    store: Store,
    feed: Feed,
    entries: list[FeedEntry],
    *,
    limits: FetchLimits,
    max_chars: int,
    now: datetime,
) -> list[StoredOutcome]:
    """Store the articles of the entries not seen before, marking each seen once stored or
    once it never can be; an entry whose page failed for a passing reason stays unseen."""
    stored: list[StoredOutcome] = []
    seen_again: list[str] = []
    for entry in entries:
        if not entry.keys:
            continue
        if store.feeds.seen_keys(feed.id, entry.keys):
            seen_again.extend(entry.keys)
            continue
        try:
            drafts = entry_drafts(entry, feed, limits=limits, max_chars=max_chars)
        except FetchError as exc:
            if _transient(exc):
                log.info("feed %d: entry %s retried next poll: %s", feed.id, entry.link, exc)
                continue
            log.info("feed %d: entry %s skipped: %s", feed.id, entry.link, exc)
            drafts = []
        except IngestError as exc:
            log.info("feed %d: entry %s skipped: %s", feed.id, entry.link or entry.title, exc)
            drafts = []
        stored.extend(store_drafts(store, drafts))
        store.feeds.mark_seen(feed.id, entry.keys, now)
    store.feeds.still_seen(feed.id, seen_again, now)
    return stored


def entry_drafts(
    entry: FeedEntry, feed: Feed, *, limits: FetchLimits, max_chars: int
) -> list[ArticleDraft]:
    """The article of a feed entry: its linked page when the entry is a teaser, else its text.

    A teaser whose page is gone or is not an article falls back to the entry's own text;
    a page that failed for a passing reason raises (FetchError), so the entry is retried.
    """
    if entry.is_teaser and entry.link:
        try:
            return parse_page(fetch(entry.link, limits), max_chars=max_chars)
        except FetchError as exc:
            if _transient(exc):
                raise
            log.info("feed %d: page %s unusable (%s); using the entry", feed.id, entry.link, exc)
        except IngestError as exc:
            log.info("feed %d: page %s unusable (%s); using the entry", feed.id, entry.link, exc)
    known = KnownMetadata(title=entry.title, author=entry.author, published=entry.published)
    return build_drafts(
        entry.text, source=entry.link or feed.title, max_chars=max_chars, known=known
    )


def _failed(store: Store, feed: Feed, error: str, max_backoff_s: int, now: datetime) -> PollResult:
    delay_s = min(feed.interval_s * 2 ** (feed.failures + 1), max_backoff_s)
    updated = store.feeds.poll_failed(
        feed.id, error=error, next_poll_at=now + timedelta(seconds=delay_s)
    )
    log.warning("feed %d (%s) failed, next try in %d s: %s", feed.id, feed.url, delay_s, error)
    if updated is None:
        return PollResult(feed, error=error)
    report = updated.failures >= FAILURES_TO_REPORT and not updated.failure_reported
    return PollResult(updated, error=error, report=report)


def _transient(error: FetchError) -> bool:
    if isinstance(error, FetchTimeoutError | ConnectionFailedError):
        return True
    return isinstance(error, HTTPStatusError) and (error.status >= 500 or error.status == 429)
