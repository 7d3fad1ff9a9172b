"""reward flow: projects, memberships, tasks, assignments, wallets, ledger, notifications

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 19:23:40.551103
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adapters.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


IMMUTABLE_LEDGER_PG = """
CREATE FUNCTION ledger_entries_immutable() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'ledger entries are immutable: add a correcting entry instead';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_immutable();
"""

IMMUTABLE_LEDGER_SQLITE = [
    """CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
    BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable: add a correcting entry instead'); END""",
    """CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
    BEGIN SELECT RAISE(ABORT, 'ledger entries are immutable: add a correcting entry instead'); END""",
]


def _make_ledger_immutable() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(IMMUTABLE_LEDGER_PG)
    else:
        for statement in IMMUTABLE_LEDGER_SQLITE:
            op.execute(statement)


def _drop_ledger_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update ON ledger_entries")
        op.execute("DROP FUNCTION IF EXISTS ledger_entries_immutable()")
    else:
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_delete")


def upgrade() -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("result_ref", sa.String(length=100), nullable=False),
        sa.Column("created_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", "key", name=op.f("pk_idempotency_keys")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("link", sa.String(length=255), nullable=False),
        sa.Column("created_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("read_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_unread",
            ["user_id"],
            unique=False,
            postgresql_where=sa.text("read_at IS NULL"),
            sqlite_where=sa.text("read_at IS NULL"),
        )
        batch_op.create_index("ix_notifications_user", ["user_id", "id"], unique=False)

    op.create_table(
        "projects",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("is_overdue", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('active', 'on_hold', 'completed')", name=op.f("ck_projects_status")),
        sa.CheckConstraint(
            "due_date IS NULL OR start_date IS NULL OR due_date >= start_date", name=op.f("ck_projects_dates_in_order")
        ),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_projects_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
    )
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.create_index(
            "uq_projects_live_slug",
            ["slug"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "wallets",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.Column("earned", sa.BigInteger(), nullable=False),
        sa.Column("redeemed", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_wallets_balance_not_negative")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_wallets_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_wallets")),
    )
    op.create_table(
        "memberships",
        sa.Column("project_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('manager', 'member')", name=op.f("ck_memberships_role")),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_memberships_project_id_projects"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("project_id", "user_id", name=op.f("pk_memberships")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index("ix_memberships_user", ["user_id", "role"], unique=False)

    op.create_table(
        "tasks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=False),
        sa.Column("project_id", sa.Uuid(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("claim_limit", sa.Integer(), nullable=False),
        sa.Column("slots_taken", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("claim_duration_seconds", sa.Integer(), nullable=True),
        sa.Column("auto_approve_after_seconds", sa.Integer(), nullable=True),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("is_overdue", sa.Boolean(), nullable=False),
        sa.Column("image_path", sa.String(length=255), nullable=True),
        sa.Column("thumbnail_path", sa.String(length=255), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("claim_limit >= 1", name=op.f("ck_tasks_claim_limit_positive")),
        sa.CheckConstraint("points >= 0", name=op.f("ck_tasks_points_not_negative")),
        sa.CheckConstraint("slots_taken >= 0 AND slots_taken <= claim_limit", name=op.f("ck_tasks_slots_within_limit")),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_tasks_created_by_users")),
        sa.ForeignKeyConstraint(["project_id"], ["projects.id"], name=op.f("fk_tasks_project_id_projects")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tasks_board",
            ["project_id", "id"],
            unique=False,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.create_index(
            "ix_tasks_due",
            ["due_date"],
            unique=False,
            postgresql_where=sa.text("deleted_at IS NULL AND NOT is_overdue"),
            sqlite_where=sa.text("deleted_at IS NULL AND NOT is_overdue"),
        )
        batch_op.create_index(
            "uq_tasks_live_slug",
            ["slug"],
            unique=True,
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.create_table(
        "assignments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("task_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("feedback", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Uuid(), nullable=True),
        sa.Column("assigned_by", sa.Uuid(), nullable=True),
        sa.Column("claimed_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("submitted_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("ended_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("origin IN ('claimed', 'assigned')", name=op.f("ck_assignments_origin")),
        sa.CheckConstraint(
            "status <> 'rejected' OR feedback <> ''", name=op.f("ck_assignments_rejection_has_feedback")
        ),
        sa.CheckConstraint(
            "status IN ('in_progress', 'submitted', 'approved', 'rejected', 'released', 'expired')",
            name=op.f("ck_assignments_status"),
        ),
        sa.CheckConstraint(
            "status NOT IN ('approved', 'rejected') OR reviewed_at IS NOT NULL",
            name=op.f("ck_assignments_reviewed_has_time"),
        ),
        sa.CheckConstraint("reviewer_id IS NULL OR reviewer_id <> user_id", name=op.f("ck_assignments_no_self_review")),
        sa.ForeignKeyConstraint(["assigned_by"], ["users.id"], name=op.f("fk_assignments_assigned_by_users")),
        sa.ForeignKeyConstraint(["reviewer_id"], ["users.id"], name=op.f("fk_assignments_reviewer_id_users")),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_assignments_task_id_tasks")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_assignments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
        sa.UniqueConstraint("task_id", "user_id", name="uq_assignments_task_user"),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_assignments_expiry",
            ["expires_at"],
            unique=False,
            postgresql_where=sa.text("status = 'in_progress'"),
            sqlite_where=sa.text("status = 'in_progress'"),
        )
        batch_op.create_index(
            "ix_assignments_review",
            ["submitted_at", "id"],
            unique=False,
            postgresql_where=sa.text("status = 'submitted'"),
            sqlite_where=sa.text("status = 'submitted'"),
        )
        batch_op.create_index("ix_assignments_user", ["user_id", "id"], unique=False)
        batch_op.create_index(
            "uq_assignments_one_active_claim",
            ["user_id"],
            unique=True,
            postgresql_where=sa.text("status = 'in_progress' AND origin = 'claimed'"),
            sqlite_where=sa.text("status = 'in_progress' AND origin = 'claimed'"),
        )

    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("assignment_id", sa.Uuid(), nullable=True),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind <> 'redemption' OR points < 0", name=op.f("ck_ledger_entries_redemption_shape")),
        sa.CheckConstraint(
            "kind <> 'reward' OR (points > 0 AND assignment_id IS NOT NULL)",
            name=op.f("ck_ledger_entries_reward_shape"),
        ),
        sa.CheckConstraint(
            "kind IN ('reward', 'redemption', 'adjustment', 'reversal')", name=op.f("ck_ledger_entries_kind")
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"], ["assignments.id"], name=op.f("fk_ledger_entries_assignment_id_assignments")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_ledger_entries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ledger_entries")),
    )
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_user", ["user_id", "id"], unique=False)
        batch_op.create_index(
            "uq_ledger_one_reward",
            ["assignment_id"],
            unique=True,
            postgresql_where=sa.text("kind = 'reward'"),
            sqlite_where=sa.text("kind = 'reward'"),
        )
    _make_ledger_immutable()


def downgrade() -> None:
    _drop_ledger_triggers()
    with op.batch_alter_table("ledger_entries", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ledger_one_reward", postgresql_where=sa.text("kind = 'reward'"), sqlite_where=sa.text("kind = 'reward'")
        )
        batch_op.drop_index("ix_ledger_user")

    op.drop_table("ledger_entries")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_assignments_one_active_claim",
            postgresql_where=sa.text("status = 'in_progress' AND origin = 'claimed'"),
            sqlite_where=sa.text("status = 'in_progress' AND origin = 'claimed'"),
        )
        batch_op.drop_index("ix_assignments_user")
        batch_op.drop_index(
            "ix_assignments_review",
            postgresql_where=sa.text("status = 'submitted'"),
            sqlite_where=sa.text("status = 'submitted'"),
        )
        batch_op.drop_index(
            "ix_assignments_expiry",
            postgresql_where=sa.text("status = 'in_progress'"),
            sqlite_where=sa.text("status = 'in_progress'"),
        )

    op.drop_table("assignments")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_tasks_live_slug",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(
            "ix_tasks_due",
            postgresql_where=sa.text("deleted_at IS NULL AND NOT is_overdue"),
            sqlite_where=sa.text("deleted_at IS NULL AND NOT is_overdue"),
        )
        batch_op.drop_index(
            "ix_tasks_board", postgresql_where=sa.text("deleted_at IS NULL"), sqlite_where=sa.text("deleted_at IS NULL")
        )

    op.drop_table("tasks")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index("ix_memberships_user")

    op.drop_table("memberships")
    op.drop_table("wallets")
    with op.batch_alter_table("projects", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_projects_live_slug",
            postgresql_where=sa.text("deleted_at IS NULL"),
            sqlite_where=sa.text("deleted_at IS NULL"),
        )

    op.drop_table("projects")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_user")
        batch_op.drop_index(
            "ix_notifications_unread",
            postgresql_where=sa.text("read_at IS NULL"),
            sqlite_where=sa.text("read_at IS NULL"),
        )

    op.drop_table("notifications")
    op.drop_table("idempotency_keys")
