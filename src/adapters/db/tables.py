"""The schema, as SQLAlchemy Core tables; Alembic migrations are written to match it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)

from adapters.db.types import UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

users = Table(
    "users",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False, unique=True),
    Column("full_name", String(150), nullable=False),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("totp_secret", String(255)),  # encrypted at rest (AES-GCM)
    Column("totp_pending_secret", String(255)),  # set up, not yet confirmed by a code
    Column("totp_last_step", BigInteger),  # the last time step a code was accepted for: no replay
    Column("time_zone", String(64), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("session_version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("closed_at", UtcDateTime),
    CheckConstraint("role IN ('admin', 'manager', 'member')", name="role"),
    CheckConstraint("email = lower(email)", name="email_lower"),
    Index("ix_users_created_at", "created_at"),
)

email_otps = Table(
    "email_otps",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("code_digest", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("wrong_tries", Integer, nullable=False),
    Column("used_at", UtcDateTime),
    CheckConstraint("wrong_tries >= 0", name="wrong_tries"),
    Index("ix_email_otps_email_created", "email", "created_at"),
)

email_tokens = Table(
    "email_tokens",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("email", String(254), nullable=False),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("used_at", UtcDateTime),
)

refresh_sessions = Table(
    "refresh_sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("family_id", Uuid, nullable=False, index=True),
    Column("issued_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("spent_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
)

# One row per sign-in (a refresh-token family, or a page session); access tokens name it in `sid`.
sign_ins = Table(
    "sign_ins",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(8), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime, nullable=False),
    Column("client_address", String(64), nullable=False),
    Column("user_agent", String(256), nullable=False),
    Column("ended_at", UtcDateTime),
    CheckConstraint("kind IN ('api', 'page')", name="kind"),
    Index("ix_sign_ins_user", "user_id", "created_at"),
)

recovery_codes = Table(
    "recovery_codes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("code_digest", String(64), nullable=False),
    Column("used_at", UtcDateTime),
)

password_resets = Table(
    "password_resets",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("used_at", UtcDateTime),
)

email_changes = Table(
    "email_changes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("new_email", String(254), nullable=False),
    Column("code_digest", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("wrong_tries", Integer, nullable=False),
    Column("used_at", UtcDateTime),
    CheckConstraint("wrong_tries >= 0", name="wrong_tries"),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("action", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("actor_id", Uuid),
    Column("subject", String(254)),
    Column("detail", Text, nullable=False),
    # The admin panel's filters: by actor, by the account an entry is about, by kind.
    Index("ix_audit_log_actor", "actor_id", "at"),
    Index("ix_audit_log_subject", "subject", "at"),
    Index("ix_audit_log_action", "action", "at"),
)

projects = Table(
    "projects",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("slug", String(80), nullable=False),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("start_date", Date),
    Column("due_date", Date),
    Column("created_by", Uuid, ForeignKey("users.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("deleted_at", UtcDateTime),
    CheckConstraint("status IN ('active', 'on_hold', 'completed')", name="status"),
    CheckConstraint("due_date IS NULL OR start_date IS NULL OR due_date >= start_date", name="dates_in_order"),
    Index(
        "uq_projects_live_slug",
        "slug",
        unique=True,
        postgresql_where=text("deleted_at IS NULL"),
        sqlite_where=text("deleted_at IS NULL"),
    ),
)

memberships = Table(
    "memberships",
    metadata,
    Column("project_id", Uuid, ForeignKey("projects.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("role IN ('manager', 'member')", name="role"),
    Index("ix_memberships_user", "user_id", "role"),
)

tasks = Table(
    "tasks",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("slug", String(80), nullable=False),
    Column("project_id", Uuid, ForeignKey("projects.id")),
    Column("name", String(200), nullable=False),
    Column("description", Text, nullable=False),
    Column("points", Integer, nullable=False),
    Column("claim_limit", Integer, nullable=False),
    Column("slots_taken", Integer, nullable=False),
    Column("approved_slots", Integer, nullable=False),
    Column("due_date", Date),
    Column("claim_duration_seconds", Integer),
    Column("auto_approve_after_seconds", Integer),
    Column("is_open", Boolean, nullable=False),
    Column("image_path", String(255)),
    Column("thumbnail_path", String(255)),
    Column("created_by", Uuid, ForeignKey("users.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("deleted_at", UtcDateTime),
    CheckConstraint("points >= 0", name="points_not_negative"),
    CheckConstraint("claim_limit >= 1", name="claim_limit_positive"),
    # Invariant 1 held by the database too: held slots never exceed the limit.
    CheckConstraint("slots_taken >= 0 AND slots_taken <= claim_limit", name="slots_within_limit"),
    CheckConstraint("approved_slots >= 0 AND approved_slots <= slots_taken", name="approved_within_held"),
    Index(
        "uq_tasks_live_slug",
        "slug",
        unique=True,
        postgresql_where=text("deleted_at IS NULL"),
        sqlite_where=text("deleted_at IS NULL"),
    ),
    Index(
        "ix_tasks_board",
        "project_id",
        "id",
        postgresql_where=text("deleted_at IS NULL"),
        sqlite_where=text("deleted_at IS NULL"),
    ),
    Index(
        "ix_tasks_due",
        "due_date",
        postgresql_where=text("deleted_at IS NULL"),
        sqlite_where=text("deleted_at IS NULL"),
    ),
)

assignments = Table(
    "assignments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("task_id", Uuid, ForeignKey("tasks.id"), nullable=False),
    Column("user_id", Uuid, ForeignKey("users.id"), nullable=False),
    Column("origin", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("note", Text, nullable=False),
    Column("feedback", Text, nullable=False),
    Column("reviewer_id", Uuid, ForeignKey("users.id")),
    Column("assigned_by", Uuid, ForeignKey("users.id")),
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime),
    Column("submitted_at", UtcDateTime),
    Column("reviewed_at", UtcDateTime),
    Column("ended_at", UtcDateTime),
    Column("auto_approve_at", UtcDateTime),
    CheckConstraint("origin IN ('claimed', 'assigned')", name="origin"),
    CheckConstraint(
        "status IN ('in_progress', 'submitted', 'approved', 'rejected', 'released', 'expired')", name="status"
    ),
    CheckConstraint("status NOT IN ('approved', 'rejected') OR reviewed_at IS NOT NULL", name="reviewed_has_time"),
    CheckConstraint("status <> 'rejected' OR feedback <> ''", name="rejection_has_feedback"),
    CheckConstraint("reviewer_id IS NULL OR reviewer_id <> user_id", name="no_self_review"),
    # Invariant 3: one assignment per (task, user), ever.
    UniqueConstraint("task_id", "user_id", name="uq_assignments_task_user"),
    # Invariant 4: at most one in-progress claim of one's own per member.
    Index(
        "uq_assignments_one_active_claim",
        "user_id",
        unique=True,
        postgresql_where=text("status = 'in_progress' AND origin = 'claimed'"),
        sqlite_where=text("status = 'in_progress' AND origin = 'claimed'"),
    ),
    Index("ix_assignments_user", "user_id", "id"),
    Index("ix_assignments_task", "task_id", "id"),
    Index(
        "ix_assignments_review",
        "submitted_at",
        "id",
        postgresql_where=text("status = 'submitted'"),
        sqlite_where=text("status = 'submitted'"),
    ),
    Index(
        "ix_assignments_auto_approve",
        "auto_approve_at",
        postgresql_where=text("status = 'submitted'"),
        sqlite_where=text("status = 'submitted'"),
    ),
    Index(
        "ix_assignments_expiry",
        "expires_at",
        postgresql_where=text("status = 'in_progress'"),
        sqlite_where=text("status = 'in_progress'"),
    ),
)

# The ledger (invariant 7): a balance per account, kept in lockstep with the immutable transfers.
ledger_accounts = Table(
    "ledger_accounts",
    metadata,
    Column("id", Uuid, primary_key=True),  # derived from (kind, owner_id): see domain.ledger.AccountKey
    Column("kind", String(16), nullable=False),
    Column("owner_id", Uuid),  # the project, task or user; none for the treasury
    Column("balance", BigInteger, nullable=False),
    CheckConstraint("kind IN ('treasury', 'budget', 'escrow', 'wallet')", name="kind"),
    CheckConstraint("(kind = 'treasury') = (owner_id IS NULL)", name="owner"),
    # No account but the treasury below zero; the two names tell a short wallet from a short budget.
    CheckConstraint("kind <> 'wallet' OR balance >= 0", name="wallet_not_negative"),
    CheckConstraint("kind NOT IN ('budget', 'escrow') OR balance >= 0", name="reserve_not_negative"),
    UniqueConstraint("kind", "owner_id", name="uq_ledger_accounts_kind_owner"),
    Index(
        "uq_ledger_accounts_one_treasury",
        "kind",
        unique=True,
        postgresql_where=text("owner_id IS NULL"),
        sqlite_where=text("owner_id IS NULL"),
    ),
)

ledger_transfers = Table(
    "ledger_transfers",
    metadata,
    Column("id", Uuid, primary_key=True),  # chosen by the writer: a retry of one transfer is the same row
    Column("debit_account_id", Uuid, ForeignKey("ledger_accounts.id"), nullable=False),
    Column("credit_account_id", Uuid, ForeignKey("ledger_accounts.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("reason", String(500), nullable=False),
    Column("reference", String(100), nullable=False),
    Column("actor_id", Uuid),
    Column("assignment_id", Uuid, ForeignKey("assignments.id")),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("amount > 0", name="amount_positive"),
    CheckConstraint("debit_account_id <> credit_account_id", name="two_accounts"),
    CheckConstraint("kind IN ('funding', 'reserve', 'return', 'reward', 'redemption', 'adjustment')", name="kind"),
    CheckConstraint("(kind = 'reward') = (assignment_id IS NOT NULL)", name="reward_pays_an_assignment"),
    # Invariant 6: one reward per assignment.
    Index(
        "uq_ledger_transfers_one_reward",
        "assignment_id",
        unique=True,
        postgresql_where=text("kind = 'reward'"),
        sqlite_where=text("kind = 'reward'"),
    ),
    Index("ix_ledger_transfers_debit", "debit_account_id", "id"),
    Index("ix_ledger_transfers_credit", "credit_account_id", "id"),
)

# Every review of an assignment, kept: an overturned rejection stays here.
reviews = Table(
    "reviews",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("assignment_id", Uuid, ForeignKey("assignments.id"), nullable=False),
    Column("status", String(16), nullable=False),
    Column("reviewer_id", Uuid, ForeignKey("users.id")),
    Column("feedback", Text, nullable=False),
    Column("points", BigInteger, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    CheckConstraint("status IN ('approved', 'rejected')", name="status"),
    CheckConstraint("points >= 0 AND (status = 'approved' OR points = 0)", name="points"),
    Index("ix_reviews_assignment", "assignment_id", "at"),
)

notifications = Table(
    "notifications",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("text", String(500), nullable=False),
    Column("link", String(255), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("read_at", UtcDateTime),
    Index("ix_notifications_user", "user_id", "id"),
    Index(
        "ix_notifications_unread",
        "user_id",
        postgresql_where=text("read_at IS NULL"),
        sqlite_where=text("read_at IS NULL"),
    ),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request_digest", String(64), nullable=False),
    Column("result_ref", String(100), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

invitations = Table(
    "invitations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("project_id", Uuid, ForeignKey("projects.id", ondelete="CASCADE"), nullable=False),
    Column("email", String(254), nullable=False),
    Column("role", String(16), nullable=False),
    Column("invited_by", Uuid, ForeignKey("users.id"), nullable=False),
    Column("token_digest", String(64), nullable=False, unique=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("ended_at", UtcDateTime),
    CheckConstraint("role IN ('manager', 'member')", name="role"),
    CheckConstraint("status IN ('pending', 'accepted', 'revoked', 'expired')", name="status"),
    # One live invitation per address and project: re-inviting replaces its token.
    Index(
        "uq_invitations_one_pending",
        "project_id",
        "email",
        unique=True,
        postgresql_where=text("status = 'pending'"),
        sqlite_where=text("status = 'pending'"),
    ),
    Index(
        "ix_invitations_expiry",
        "expires_at",
        postgresql_where=text("status = 'pending'"),
        sqlite_where=text("status = 'pending'"),
    ),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("job", String(64), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("dedupe_key", String(200), unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("dispatched_at", UtcDateTime),
    Column("due_at", UtcDateTime, nullable=False),
    Column("done_at", UtcDateTime),
    Column("last_error", String(500), nullable=False, server_default=""),
    Index(
        "ix_outbox_not_done", "due_at", postgresql_where=text("done_at IS NULL"), sqlite_where=text("done_at IS NULL")
    ),
)

email_deliveries = Table(
    "email_deliveries",
    metadata,
    Column("outbox_id", Uuid, primary_key=True),
    Column("to", String(254), nullable=False),
    Column("template", String(64), nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", String(500), nullable=False),
    Column("updated_at", UtcDateTime),
    Column("give_up_at", UtcDateTime),
    CheckConstraint("status IN ('pending', 'sent', 'failed')", name="status"),
    Index(
        "ix_email_deliveries_unsent",
        "status",
        "outbox_id",
        postgresql_where=text("status <> 'sent'"),
        sqlite_where=text("status <> 'sent'"),
    ),
)

# A notice is owed once per person, item and due date, however often the job runs.
overdue_notices = Table(
    "overdue_notices",
    metadata,
    Column("item_kind", String(16), primary_key=True),
    Column("item_id", Uuid, primary_key=True),
    Column("due_date", Date, primary_key=True),
    Column("user_id", Uuid, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
)
