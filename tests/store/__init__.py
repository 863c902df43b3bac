"""Tests of bot.store, one module per repository (and test_database for opening, retries and
the SQLite file), on SQLite and on PostgreSQL when reachable; the helpers they share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event

from bot.core.domain import ArticleDraft
from bot.store import Store, open_store

NOW = datetime(2024, 11, 4, 12, 0, tzinfo=UTC)


def draft(title: str = "Title", published: datetime | None = None) -> ArticleDraft:
    return ArticleDraft(title=title, text=f"{title} body.", source="a.txt", published=published)


def subscribe_weekly(store, chat_id=1, topic="russia", next_run_at=NOW):
    store.chats.ensure(chat_id, timezone="Europe/Berlin")
    return store.chats.subscribe(
        chat_id,
        topic,
        schedule="weekly mon 09:00",
        next_run_at=next_run_at,
        covered_until=NOW - timedelta(days=7),
    )


def another_process(store: Store) -> Store:
    """A second Store opened on the same database, as another process would."""
    return open_store(store.engine.url.render_as_string(hide_password=False))


def before_statement(store: Store, start: str, act) -> None:
    """Call `act()` once, just before `store` sends its first statement starting with `start`:
    another process's write landing between this one's reads and its write."""
    pending = [act]

    def hook(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith(start) and pending:
            pending.pop()()

    event.listen(store.engine, "before_cursor_execute", hook)
