"""Migration 0017: stored passage vectors lose the topic settings' digest from their key, one
copy kept where an article had several, and other keys are left alone."""

from __future__ import annotations

from sqlalchemy import text

from bot.store.database import migrate

OLD = "passages:all-MiniLM-L6-v2:w48:v2"


def test_passage_vector_keys_drop_the_settings_digest_keeping_one_copy_per_article(engine):
    migrate(engine, "0016")
    vectors = [
        (1, f"{OLD}:a5e254f7", b"one"),
        (1, f"{OLD}:2e60e2f4", b"one again"),  # the same article under other settings
        (2, f"{OLD}:2e60e2f4", b"two"),
        (3, OLD, b"three"),  # already keyed without settings
        (3, f"{OLD}:a5e254f7", b"three again"),
        (4, "passages:other-encoder:w48:v1", b"four"),  # no settings digest: left as it is
    ]
    with engine.begin() as connection:
        for article_id in range(1, 5):
            connection.execute(
                text(
                    "INSERT INTO articles (id, fingerprint, title, text, source, received_at) "
                    "VALUES (:id, :id, 't', 'x', 'test', '2026-11-30 08:00:00')"
                ),
                {"id": article_id},
            )
        for article_id, key, data in vectors:
            connection.execute(
                text(
                    "INSERT INTO article_vectors (article_id, model_key, rows, dim, data) "
                    "VALUES (:a, :k, 1, 1, :d)"
                ),
                {"a": article_id, "k": key, "d": data},
            )

    migrate(engine)

    with engine.begin() as connection:
        rows = connection.execute(
            text("SELECT article_id, model_key, data FROM article_vectors ORDER BY article_id")
        ).all()
    assert [(a, k) for a, k, _ in rows] == [
        (1, OLD),
        (2, OLD),
        (3, OLD),
        (4, "passages:other-encoder:w48:v1"),
    ]
    assert bytes(rows[1][2]) == b"two" and bytes(rows[2][2]) == b"three"
