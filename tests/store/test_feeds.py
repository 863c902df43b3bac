"""store.feeds: the entries a feed took in, marked by two processes at once."""

from __future__ import annotations

from sqlalchemy import event

from bot.store import open_store
from tests.store import NOW


def test_feed_entries_another_process_marked_seen_meanwhile_do_not_fail(sqlite_store, tmp_path):
    other = open_store(f"sqlite:///{tmp_path / 'digestbot.sqlite3'}")
    feed, _ = sqlite_store.feeds.add(
        "https://example.org/rss", title="Feed", added_by=1, interval_s=60, now=NOW
    )

    def other_process_first(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("INSERT INTO feed_entries") and not other.feeds.seen_keys(
            feed.id, ["id:a"]
        ):
            other.feeds.mark_seen(feed.id, ["id:a", "link:a"], NOW)

    event.listen(sqlite_store.engine, "before_cursor_execute", other_process_first)

    sqlite_store.feeds.mark_seen(feed.id, ["id:a", "link:a", "id:a"], NOW)

    assert sqlite_store.feeds.seen_keys(feed.id, ["id:a", "link:a"]) == {"id:a", "link:a"}
    other.close()
