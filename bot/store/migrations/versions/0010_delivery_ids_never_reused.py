"""delivery ids never reused: AUTOINCREMENT on SQLite's deliveries

Without it SQLite gives a new row the largest id plus one, so the id of a delivery an
unsubscribe just removed (the newest) went to the next delivery begun, and the task still
sending the removed one advanced and finished that other subscription's delivery. PostgreSQL's
sequences never reuse an id: nothing to do there.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _rebuild_deliveries(autoincrement=True)


def downgrade() -> None:
    _rebuild_deliveries(autoincrement=False)


def _rebuild_deliveries(*, autoincrement: bool) -> None:
    """SQLite sets AUTOINCREMENT only when a table is created: copy the table into a new one."""
    if op.get_bind().dialect.name != "sqlite":
        return
    table_kwargs = {"sqlite_autoincrement": autoincrement}
    with op.batch_alter_table("deliveries", recreate="always", table_kwargs=table_kwargs):
        pass
