"""admin panel: indexes for the audit log's filters, sign-up dates, a task's assignments, unsent emails

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 13:10:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_users_created_at", "users", ["created_at"])
    op.create_index("ix_audit_log_actor", "audit_log", ["actor_id", "at"])
    op.create_index("ix_audit_log_subject", "audit_log", ["subject", "at"])
    op.create_index("ix_audit_log_action", "audit_log", ["action", "at"])
    op.create_index("ix_assignments_task", "assignments", ["task_id", "id"])
    op.create_index(
        "ix_email_deliveries_unsent",
        "email_deliveries",
        ["status", "outbox_id"],
        postgresql_where=sa.text("status <> 'sent'"),
        sqlite_where=sa.text("status <> 'sent'"),
    )


def downgrade() -> None:
    op.drop_index("ix_email_deliveries_unsent", table_name="email_deliveries")
    op.drop_index("ix_assignments_task", table_name="assignments")
    op.drop_index("ix_audit_log_action", table_name="audit_log")
    op.drop_index("ix_audit_log_subject", table_name="audit_log")
    op.drop_index("ix_audit_log_actor", table_name="audit_log")
    op.drop_index("ix_users_created_at", table_name="users")
