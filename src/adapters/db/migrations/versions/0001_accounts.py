"""accounts: users, email verification, sessions, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-21 19:19:26.515224
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adapters.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Uuid(), nullable=True),
        sa.Column("subject", sa.String(length=254), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "email_otps",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("code_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.Column("used_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.CheckConstraint("wrong_tries >= 0", name=op.f("ck_email_otps_wrong_tries")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_otps")),
    )
    with op.batch_alter_table("email_otps", schema=None) as batch_op:
        batch_op.create_index("ix_email_otps_email_created", ["email", "created_at"], unique=False)

    op.create_table(
        "email_tokens",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("used_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_tokens")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_email_tokens_token_digest")),
    )
    with op.batch_alter_table("email_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_email_tokens_expires_at"), ["expires_at"], unique=False)

    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=150), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("role IN ('admin', 'manager', 'member')", name=op.f("ck_users_role")),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_users_email_lower")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "refresh_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("family_id", sa.Uuid(), nullable=False),
        sa.Column("issued_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", adapters.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("spent_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", adapters.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_refresh_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_sessions")),
    )
    with op.batch_alter_table("refresh_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refresh_sessions_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_refresh_sessions_family_id"), ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_refresh_sessions_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("refresh_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresh_sessions_user_id"))
        batch_op.drop_index(batch_op.f("ix_refresh_sessions_family_id"))
        batch_op.drop_index(batch_op.f("ix_refresh_sessions_expires_at"))

    op.drop_table("refresh_sessions")
    op.drop_table("users")
    with op.batch_alter_table("email_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_email_tokens_expires_at"))

    op.drop_table("email_tokens")
    with op.batch_alter_table("email_otps", schema=None) as batch_op:
        batch_op.drop_index("ix_email_otps_email_created")

    op.drop_table("email_otps")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
