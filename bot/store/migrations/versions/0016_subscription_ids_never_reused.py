"""subscription ids never reused: AUTOINCREMENT on SQLite's subscriptions

Without it SQLite gives a new row the largest id plus one, so the id of the subscription an
unsubscribe just removed (the newest) went to the next subscription made: an Unsubscribe
button left under an old digest then removed that other topic. PostgreSQL's sequences never
reuse an id: nothing to do there. The table is rebuilt with foreign keys off
(`bot.store.database.migrate`), so its deliveries are kept, not cascaded away.

Revision ID: 0016
Revises: 0015
"""

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rebuild_subscriptions(autoincrement=True)


def downgrade() -> None:
    _rebuild_subscriptions(autoincrement=False)


def _rebuild_subscriptions(*, autoincrement: bool) -> None:
    """SQLite sets AUTOINCREMENT only when a table is created: copy the table into a new one."""
    if op.get_bind().dialect.name != "sqlite":
        return
    table_kwargs = {"sqlite_autoincrement": autoincrement}
    with op.batch_alter_table("subscriptions", recreate="always", table_kwargs=table_kwargs):
        pass
