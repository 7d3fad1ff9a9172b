"""delivery: an outbox message is done only when its job has finished; deliveries give up after a window

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-02 15:40:00.000000

`sent_at` (handed to the queue) becomes `dispatched_at`, next to `due_at` (when the sweep may hand it over)
and `done_at` (finished, with `last_error` when it failed). Messages already handed over whose email was never
delivered nor given up on stay not done, with their lease expired: the sweep sends them, which is what
losing Redis's queue used to cost. Names (tasks, projects, people) become single lines. A delivery without `give_up_at` gives up a window after its message's creation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adapters.db.types
from domain.text import as_single_line

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

NOT_DONE = "done_at IS NULL"
NAMES = (("tasks", "name"), ("projects", "name"), ("users", "full_name"))


def _names_on_one_line() -> None:
    """Names written before the single-line rule lose their line breaks and invisible characters (the domain
    now refuses to load them otherwise)."""
    conn = op.get_bind()
    for table_name, column_name in NAMES:
        named = sa.table(table_name, sa.column("id", sa.Uuid()), sa.column(column_name, sa.String()))
        column = named.c[column_name]
        for row_id, name in conn.execute(sa.select(named.c.id, column)).all():
            cleaned = as_single_line(name) or "-"
            if cleaned != name:
                conn.execute(sa.update(named).where(named.c.id == row_id).values({column_name: cleaned}))


def upgrade() -> None:
    _names_on_one_line()
    with op.batch_alter_table("email_deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("give_up_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_unsent", postgresql_where=sa.text("sent_at IS NULL"))
        batch_op.alter_column("sent_at", new_column_name="dispatched_at")
        batch_op.add_column(sa.Column("due_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("done_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.String(length=500), server_default="", nullable=False))
    op.execute("UPDATE outbox SET due_at = created_at")
    final = (
        "SELECT d.updated_at FROM email_deliveries d WHERE d.outbox_id = outbox.id AND d.status IN ('sent', 'failed')"
    )
    op.execute(f"UPDATE outbox SET done_at = COALESCE(({final}), created_at) WHERE EXISTS ({final})")  # noqa: S608
    op.execute(
        "UPDATE outbox SET last_error = (SELECT d.last_error FROM email_deliveries d WHERE d.outbox_id = outbox.id)"
        " WHERE EXISTS (SELECT 1 FROM email_deliveries d WHERE d.outbox_id = outbox.id AND d.status = 'failed')"
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("due_at", existing_type=adapters.db.types.UtcDateTime(timezone=True), nullable=False)
        batch_op.create_index(
            "ix_outbox_not_done", ["due_at"], postgresql_where=sa.text(NOT_DONE), sqlite_where=sa.text(NOT_DONE)
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_not_done", postgresql_where=sa.text(NOT_DONE))
    op.execute("UPDATE outbox SET dispatched_at = COALESCE(dispatched_at, done_at)")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("last_error")
        batch_op.drop_column("done_at")
        batch_op.drop_column("due_at")
        batch_op.alter_column("dispatched_at", new_column_name="sent_at")
        batch_op.create_index(
            "ix_outbox_unsent",
            ["created_at"],
            postgresql_where=sa.text("sent_at IS NULL"),
            sqlite_where=sa.text("sent_at IS NULL"),
        )
    with op.batch_alter_table("email_deliveries", schema=None) as batch_op:
        batch_op.drop_column("give_up_at")
