"""Feeds: the followed RSS/Atom feeds, each with its poll schedule, conditional-GET validators
and failure streak (saved after every poll, so a restart loses nothing), and the keys of the
entries each has taken in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.core.domain import Feed
from bot.store.database import Database
from bot.store.rows import FeedEntryRow, FeedRow
from bot.store.statements import insert_new, update_if_there


class Feeds:
    """The followed feeds: `store.feeds`."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(
        self, url: str, *, title: str, added_by: int, interval_s: int, now: datetime
    ) -> tuple[Feed, bool]:
        """Follow the feed at `url` (first poll due at once) unless followed already."""

        def work(session: Session) -> tuple[Feed, bool]:
            existing = session.scalar(select(FeedRow).where(FeedRow.url == url))
            if existing is not None:
                return to_feed(existing), False
            row = FeedRow(
                url=url,
                title=title,
                added_by=added_by,
                interval_s=interval_s,
                next_poll_at=now,
                failures=0,
                failure_reported=False,
                created_at=now,
            )
            session.add(row)
            session.flush()
            return to_feed(row), True

        return self._db.run(work)

    def all(self) -> list[Feed]:
        """Every followed feed, oldest first."""
        query = select(FeedRow).order_by(FeedRow.id)
        return self._db.run(lambda s: [to_feed(r) for r in s.scalars(query)])

    def get(self, feed_id: int) -> Feed | None:
        """The feed with this id, if followed."""
        return self._db.run(lambda s: (row := s.get(FeedRow, feed_id)) and to_feed(row))

    def remove(self, feed_id: int) -> bool:
        """Stop following a feed (its stored articles stay); whether it was followed."""

        def work(session: Session) -> bool:
            session.execute(delete(FeedEntryRow).where(FeedEntryRow.feed_id == feed_id))
            return session.execute(delete(FeedRow).where(FeedRow.id == feed_id)).rowcount == 1

        return self._db.run(work)

    def due(self, now: datetime) -> list[Feed]:
        """Feeds whose next poll is due."""
        query = select(FeedRow).where(FeedRow.next_poll_at <= now).order_by(FeedRow.next_poll_at)
        return self._db.run(lambda s: [to_feed(r) for r in s.scalars(query)])

    def unreported_failing(self, min_failures: int) -> list[Feed]:
        """Feeds failing at least `min_failures` times in a row whose admin was not told yet."""
        query = (
            select(FeedRow)
            .where(FeedRow.failures >= min_failures, FeedRow.failure_reported.is_(False))
            .order_by(FeedRow.id)
        )
        return self._db.run(lambda s: [to_feed(r) for r in s.scalars(query)])

    def seen_keys(self, feed_id: int, keys: Sequence[str]) -> set[str]:
        """Which of these entry keys the feed has taken in before."""
        if not keys:
            return set()
        query = select(FeedEntryRow.entry_key).where(
            FeedEntryRow.feed_id == feed_id, FeedEntryRow.entry_key.in_(list(keys))
        )
        return self._db.run(lambda s: set(s.scalars(query)))

    def mark_seen(self, feed_id: int, keys: Sequence[str], now: datetime) -> None:
        """Record entry keys as taken in (keys seen before are skipped)."""
        if not keys:
            return
        rows = [{"feed_id": feed_id, "entry_key": key, "seen_at": now} for key in set(keys)]
        # one statement skipping keys already there, so another process marking the same entry
        # at the same time cannot make it fail
        self._db.run(lambda session: insert_new(session, FeedEntryRow, rows))

    def still_seen(self, feed_id: int, keys: Sequence[str], now: datetime) -> None:
        """Record that entries taken in before are still in the feed (so retention, which
        forgets keys not seen for `keep_days`, does not let them in again as new)."""
        if not keys:
            return
        query = (
            update(FeedEntryRow)
            .where(FeedEntryRow.feed_id == feed_id, FeedEntryRow.entry_key.in_(list(set(keys))))
            .values(seen_at=now)
        )
        self._db.run(lambda session: session.execute(query))

    def poll_succeeded(
        self,
        feed_id: int,
        *,
        title: str | None,
        etag: str | None,
        last_modified: str | None,
        next_poll_at: datetime,
    ) -> None:
        """Save a successful poll: the title if it has one, validators for the next conditional
        GET, failures cleared."""
        values = {"etag": etag, "last_modified": last_modified, "next_poll_at": next_poll_at}
        values |= {"failures": 0, "last_error": None, "failure_reported": False}
        if title:
            values["title"] = title
        self._db.run(lambda session: update_if_there(session, FeedRow, feed_id, **values))

    def poll_failed(self, feed_id: int, *, error: str, next_poll_at: datetime) -> Feed | None:
        """Save a failed poll (one more failure, the error, when to retry); the updated feed,
        None when it is no longer followed."""

        def work(session: Session) -> Feed | None:
            failed = update_if_there(
                session,
                FeedRow,
                feed_id,
                failures=FeedRow.failures + 1,
                last_error=error,
                next_poll_at=next_poll_at,
            )
            return to_feed(session.get(FeedRow, feed_id)) if failed else None

        return self._db.run(work)

    def mark_failure_reported(self, feed_id: int) -> None:
        """Remember that the admin was told about the feed's failures (told once per streak)."""
        self._db.run(
            lambda session: update_if_there(session, FeedRow, feed_id, failure_reported=True)
        )


def to_feed(row: FeedRow) -> Feed:
    """The plain value of a feed row."""
    return Feed(
        id=row.id,
        url=row.url,
        title=row.title,
        added_by=row.added_by,
        interval_s=row.interval_s,
        next_poll_at=row.next_poll_at,
        etag=row.etag,
        last_modified=row.last_modified,
        failures=row.failures,
        last_error=row.last_error,
        failure_reported=row.failure_reported,
    )
