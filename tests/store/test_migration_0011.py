"""Migration 0011: sources stored before it get their user where the chat was a private one
(its id is the user's); group, channel, feed and CLI sources stay without a user."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from bot.store.database import migrate


def test_private_chat_sources_get_their_user_and_the_others_none(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate(engine, "0010")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO articles (id, fingerprint, title, text, source, received_at) "
                "VALUES (1, 'f', 'T', 'Body.', 'a', '2026-11-01 00:00:00')"
            )
        )
        for source, chat_id in (("a", 5), ("b", -100), ("c", None)):
            connection.execute(
                text(
                    "INSERT INTO article_sources (article_id, source, chat_id, added_at) "
                    "VALUES (1, :source, :chat_id, '2026-11-01 00:00:00')"
                ),
                {"source": source, "chat_id": chat_id},
            )

    migrate(engine)

    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT source, chat_id, user_id FROM article_sources ORDER BY id")
        ).all()
    assert [tuple(row) for row in rows] == [("a", 5, 5), ("b", -100, None), ("c", None, None)]
    engine.dispose()
