"""subscriptions: their forum topic, paused state and push options; chats: default options

A subscription made in a forum topic is pushed into it (`thread_id`); a paused one
(`paused_at` set) gets no pushes; `silent`, `summary`, `previews` and `max_articles` are its
push options (bot.core.domain.PushOptions), and the same columns on chats hold the defaults new
subscriptions take. Existing rows get the defaults: not paused, no thread, pushes as before.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

OPTIONS = ("silent", "summary", "previews", "max_articles")


def _options() -> list[sa.Column]:
    return [
        sa.Column("silent", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("summary", sa.String(8), nullable=False, server_default="short"),
        sa.Column("previews", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("max_articles", sa.Integer(), nullable=False, server_default="0"),
    ]


def upgrade() -> None:
    with op.batch_alter_table("subscriptions") as batch:
        batch.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("paused_at", sa.DateTime(), nullable=True))
        for column in _options():
            batch.add_column(column)
    with op.batch_alter_table("chats") as batch:
        for column in _options():
            batch.add_column(column)


def downgrade() -> None:
    with op.batch_alter_table("chats") as batch:
        for name in OPTIONS:
            batch.drop_column(name)
    with op.batch_alter_table("subscriptions") as batch:
        for name in (*OPTIONS, "paused_at", "thread_id"):
            batch.drop_column(name)
