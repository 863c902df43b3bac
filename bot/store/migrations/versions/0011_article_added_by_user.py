"""who added an article: the user id of each article source

`article_sources.chat_id` names the chat an article came from, which in a group is not the
person who sent it; `/delete` lets that person (or an admin) delete the article, so each
source now records its user. Sources sent from a private chat before this revision get the
chat's id, which is the user's; group, channel, feed and CLI sources stay without one.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("article_sources", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.BigInteger(), nullable=True))
        batch_op.create_index(batch_op.f("ix_article_sources_user_id"), ["user_id"])
    # private chats have positive ids equal to their user's id; groups and channels negative
    op.execute("UPDATE article_sources SET user_id = chat_id WHERE chat_id > 0")


def downgrade() -> None:
    with op.batch_alter_table("article_sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_sources_user_id"))
        batch_op.drop_column("user_id")
