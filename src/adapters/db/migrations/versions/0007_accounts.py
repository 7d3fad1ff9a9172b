"""accounts: sign-ins, two-factor columns and recovery codes, password resets, email changes, closed accounts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 15:40:00.000000

Every refresh-token family still alive becomes a sign-in, so API clients keep their sessions; access tokens
issued before this revision carry no sign-in and are refused (they live 15 minutes; a refresh mends them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import adapters.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

Utc = adapters.db.types.UtcDateTime


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.alter_column("totp_secret", type_=sa.String(255), existing_type=sa.String(64))
        batch.add_column(sa.Column("totp_pending_secret", sa.String(255), nullable=True))
        batch.add_column(sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("closed_at", Utc(), nullable=True))
    op.create_table(
        "sign_ins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("created_at", Utc(), nullable=False),
        sa.Column("last_used_at", Utc(), nullable=False),
        sa.Column("client_address", sa.String(64), nullable=False),
        sa.Column("user_agent", sa.String(256), nullable=False),
        sa.Column("ended_at", Utc(), nullable=True),
        sa.CheckConstraint("kind IN ('api', 'page')", name=op.f("ck_sign_ins_kind")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sign_ins_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_ins")),
    )
    op.create_index("ix_sign_ins_user", "sign_ins", ["user_id", "created_at"])
    op.create_table(
        "recovery_codes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("code_digest", sa.String(64), nullable=False),
        sa.Column("used_at", Utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_recovery_codes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recovery_codes")),
    )
    op.create_index(op.f("ix_recovery_codes_user_id"), "recovery_codes", ["user_id"])
    op.create_table(
        "password_resets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("token_digest", sa.String(64), nullable=False),
        sa.Column("created_at", Utc(), nullable=False),
        sa.Column("expires_at", Utc(), nullable=False),
        sa.Column("used_at", Utc(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_password_resets_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_resets")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_password_resets_token_digest")),
    )
    op.create_index(op.f("ix_password_resets_user_id"), "password_resets", ["user_id"])
    op.create_index(op.f("ix_password_resets_expires_at"), "password_resets", ["expires_at"])
    op.create_table(
        "email_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("new_email", sa.String(254), nullable=False),
        sa.Column("code_digest", sa.String(64), nullable=False),
        sa.Column("created_at", Utc(), nullable=False),
        sa.Column("expires_at", Utc(), nullable=False),
        sa.Column("wrong_tries", sa.Integer(), nullable=False),
        sa.Column("used_at", Utc(), nullable=True),
        sa.CheckConstraint("wrong_tries >= 0", name=op.f("ck_email_changes_wrong_tries")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_email_changes_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_changes")),
    )
    op.create_index(op.f("ix_email_changes_user_id"), "email_changes", ["user_id"])
    op.create_index(op.f("ix_email_changes_expires_at"), "email_changes", ["expires_at"])
    # Live refresh families become sign-ins (a family's id is its sign-in's id from now on).
    op.execute(
        "INSERT INTO sign_ins (id, user_id, kind, created_at, last_used_at, client_address, user_agent) "
        "SELECT family_id, user_id, 'api', min(issued_at), max(issued_at), 'unknown', '' "
        "FROM refresh_sessions WHERE revoked_at IS NULL AND spent_at IS NULL GROUP BY family_id, user_id"
    )


def downgrade() -> None:
    op.drop_table("email_changes")
    op.drop_table("password_resets")
    op.drop_table("recovery_codes")
    op.drop_index("ix_sign_ins_user", table_name="sign_ins")
    op.drop_table("sign_ins")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("closed_at")
        batch.drop_column("totp_last_step")
        batch.drop_column("totp_pending_secret")
        batch.alter_column("totp_secret", type_=sa.String(64), existing_type=sa.String(255))
