"""Migration 0016: SQLite's subscriptions table is rebuilt with AUTOINCREMENT, and the
rebuild keeps every subscription and its deliveries (foreign keys off while it runs)."""

from __future__ import annotations

from sqlalchemy import text

from bot.store.database import create_db_engine, migrate

ROWS = {
    "chats": (
        "INSERT INTO chats (id, timezone, active, created_at) "
        "VALUES (1, 'UTC', 1, '2026-10-20 08:00:00')"
    ),
    "subscriptions": (
        "INSERT INTO subscriptions (id, chat_id, topic, schedule, next_run_at, covered_until, "
        "created_at) VALUES (7, 1, 'russia', 'weekly mon 09:00', '2026-11-02 08:00:00', "
        "'2026-10-26 08:00:00', '2026-10-20 08:00:00')"
    ),
    "deliveries": (
        "INSERT INTO deliveries (id, subscription_id, due_at, covered_until, status, parts, "
        "parts_sent, created_at) VALUES (3, 7, '2026-11-02 08:00:00', '2026-11-02 08:00:00', "
        "'sending', '[\"a\", \"b\"]', 1, '2026-11-02 08:00:01')"
    ),
}


def test_subscriptions_and_their_deliveries_survive_the_rebuild_and_ids_are_not_reused(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate(engine, "0015")
    with engine.begin() as connection:
        for statement in ROWS.values():
            connection.execute(text(statement))

    migrate(engine)

    with engine.begin() as connection:
        assert connection.execute(text("SELECT id, topic FROM subscriptions")).all() == [
            (7, "russia")
        ]
        assert connection.execute(text("SELECT id, parts_sent FROM deliveries")).all() == [(3, 1)]
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        connection.execute(text("DELETE FROM subscriptions WHERE id = 7"))
        assert connection.execute(text("SELECT count(*) FROM deliveries")).scalar() == 0
        connection.execute(text(ROWS["subscriptions"].replace("(7,", "(NULL,")))
        assert connection.execute(text("SELECT id FROM subscriptions")).scalar() == 8
    engine.dispose()
