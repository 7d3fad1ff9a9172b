"""The schema, as SQLAlchemy Core tables; Alembic migrations are written to match it."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
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
    Column("totp_secret", String(64)),
    Column("time_zone", String(64), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("session_version", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    CheckConstraint("role IN ('admin', 'manager', 'member')", name="role"),
    CheckConstraint("email = lower(email)", name="email_lower"),
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

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("action", String(64), nullable=False),
    Column("at", UtcDateTime, nullable=False, index=True),
    Column("actor_id", Uuid),
    Column("subject", String(254)),
    Column("detail", Text, nullable=False),
)
