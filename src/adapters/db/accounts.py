"""Repositories for users, email verification and sign-in sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, bindparam, insert, select, update

from adapters.db.base import TableRepository
from adapters.db.sign_ins import sign_in_from_row
from adapters.db.tables import audit_log, email_otps, email_tokens, refresh_sessions, sign_ins, users
from domain.audit import AuditEntry
from domain.sessions import RefreshSession
from domain.sign_ins import SignIn
from domain.users import Role, User
from domain.verification import EmailOtp, EmailToken

_SIGNED_IN = (
    select(users, *(column.label(f"s_{column.name}") for column in sign_ins.c))
    .join(sign_ins, sign_ins.c.user_id == users.c.id)
    .where(users.c.id == bindparam("user_id"), sign_ins.c.id == bindparam("sign_in_id"), sign_ins.c.ended_at.is_(None))
)


def user_from_row(row: Row[Any]) -> User:
    return user_from_mapping(row._mapping)


def user_from_mapping(mapping: Any) -> User:
    user = User(**mapping)
    user.role = Role(user.role)
    return user


class SqlUserRepository(TableRepository[User]):
    table = users
    entity = User
    savepoint_on_add = True  # registration is rare, so the savepoint is cheap

    def from_row(self, row: Row[Any]) -> User:
        return user_from_row(row)

    async def get(self, obj_id: UUID, *, for_update: bool = False) -> User | None:
        # Within one transaction a user read once is not read again (an approval needs the member twice: to
        # check they may earn, and to write to them), nor one read along with something else (`read_along`);
        # a lock is always taken by a statement of its own.
        seen = self.__dict__.setdefault("_seen", {})
        if not for_update and obj_id in seen:
            return seen[obj_id]  # type: ignore[no-any-return]
        user = await super().get(obj_id, for_update=for_update)
        if user is not None:
            seen[obj_id] = user
        return user

    def read_along(self, user: User) -> None:
        """A user another repository read in this transaction, kept as if read here (a first copy wins)."""
        seen = self.__dict__.setdefault("_seen", {})
        if user.id not in seen:
            self._track(user)
            seen[user.id] = user

    async def get_by_email(self, email: str, *, for_update: bool = False) -> User | None:
        query = select(users).where(users.c.email == email)
        return await self.first(query.with_for_update() if for_update else query)

    async def signed_in(self, user_id: UUID, sign_in_id: UUID) -> tuple[User, SignIn] | None:
        """One read for every authenticated request: the user joined to their live sign-in."""
        row = (await self._conn.execute(_SIGNED_IN, {"user_id": user_id, "sign_in_id": sign_in_id})).first()
        if row is None:
            return None
        mapping = row._mapping
        user = user_from_mapping({column.name: mapping[column.name] for column in users.c})
        sign_in = sign_in_from_row({column.name: mapping[f"s_{column.name}"] for column in sign_ins.c})
        return user, sign_in


class SqlOtpRepository(TableRepository[EmailOtp]):
    table = email_otps
    entity = EmailOtp

    async def latest_for(self, email: str, *, for_update: bool = False) -> EmailOtp | None:
        query = select(email_otps).where(email_otps.c.email == email).order_by(email_otps.c.created_at.desc()).limit(1)
        return await self.first(query.with_for_update() if for_update else query)


class SqlEmailTokenRepository(TableRepository[EmailToken]):
    table = email_tokens
    entity = EmailToken

    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> EmailToken | None:
        query = select(email_tokens).where(email_tokens.c.token_digest == digest)
        return await self.first(query.with_for_update() if for_update else query)


class SqlRefreshSessionRepository(TableRepository[RefreshSession]):
    table = refresh_sessions
    entity = RefreshSession

    async def revoke_family(self, family_id: UUID, now: datetime) -> int:
        return await self._revoke(refresh_sessions.c.family_id == family_id, now)

    async def revoke_all_for_user(self, user_id: UUID, now: datetime, *, keep_family: UUID | None = None) -> int:
        condition = refresh_sessions.c.user_id == user_id
        if keep_family is not None:
            condition = condition & (refresh_sessions.c.family_id != keep_family)
        return await self._revoke(condition, now)

    async def _revoke(self, condition: Any, now: datetime) -> int:
        result = await self._conn.execute(
            update(refresh_sessions).where(condition, refresh_sessions.c.revoked_at.is_(None)).values(revoked_at=now)
        )
        return result.rowcount


class SqlAuditLog:
    def __init__(self, connection: Any) -> None:
        self._conn = connection

    async def add(self, entry: AuditEntry) -> None:
        await self._conn.execute(
            insert(audit_log).values(
                id=entry.id,
                action=entry.action,
                at=entry.at,
                actor_id=entry.actor_id,
                subject=entry.subject,
                detail=entry.detail,
            )
        )
