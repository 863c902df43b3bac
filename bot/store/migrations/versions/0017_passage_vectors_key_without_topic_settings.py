"""passage vectors keyed without the topic settings: an article's stored passage vectors are
found by its encoder, window and way of making them only

The key of `article_vectors` ended with a digest of the topic matcher's settings (its categories,
query templates and cuts), none of which changes how the vectors are made: an operator adding a
category to `topic_categories`, or a release changing the default ones, had every stored
article embedded again. The digest is dropped from the stored keys ("passages:<encoder>:w48:v2:
1a2b3c4d" becomes "passages:<encoder>:w48:v2"); where an article had vectors under several
settings, one copy is kept (they are the same vectors).

Revision ID: 0017
Revises: 0016
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_WITH_SETTINGS = re.compile(r"^(passages:.*:v2):[0-9a-f]{8}$")


def upgrade() -> None:
    connection = op.get_bind()
    keys = connection.execute(
        sa.text("SELECT DISTINCT model_key FROM article_vectors WHERE model_key LIKE 'passages:%'")
    ).scalars()
    for old in sorted(keys):
        if not (found := _WITH_SETTINGS.match(old)):
            continue
        new = found.group(1)
        connection.execute(
            sa.text(
                "DELETE FROM article_vectors WHERE model_key = :old AND article_id IN "
                "(SELECT article_id FROM article_vectors WHERE model_key = :new)"
            ),
            {"old": old, "new": new},
        )
        connection.execute(
            sa.text("UPDATE article_vectors SET model_key = :new WHERE model_key = :old"),
            {"old": old, "new": new},
        )


def downgrade() -> None:
    """Nothing to undo: the earlier code, not finding its settings' key, embeds the articles
    again as they are next asked about (the vectors are a cache)."""
