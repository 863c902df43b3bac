"""article date index: an index on an article's date, coalesce(published, received_at), the
expression `Articles.dated_between` selects a period by (it scanned every article before)

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_articles_dated", "articles", [sa.text("coalesce(published, received_at)")])


def downgrade() -> None:
    op.drop_index("ix_articles_dated", table_name="articles")
