"""Fake repositories of users, email verification, sign-in sessions and the audit log."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.audit import AuditEntry
from domain.errors import EmailTaken
from domain.sessions import RefreshSession
from domain.sign_ins import SignIn
from domain.users import User
from domain.verification import EmailOtp, EmailToken
from tests.fakes.base import FakeRepository
from tests.fakes.store import detached


class FakeUserRepository(FakeRepository):
    table = "users"

    async def add(self, obj: User) -> None:
        if self.where(lambda u: u.email == obj.email):
            raise EmailTaken()
        await super().add(obj)

    async def get_by_email(self, email: str, *, for_update: bool = False) -> User | None:
        found: User | None = self.first(lambda u: u.email == email)
        return found

    async def update(self, obj: User) -> None:
        if self.where(lambda u: u.email == obj.email and u.id != obj.id):
            raise EmailTaken()
        await super().update(obj)

    async def signed_in(self, user_id: UUID, sign_in_id: UUID) -> tuple[User, SignIn] | None:
        sign_in = self.t.get("sign_ins", sign_in_id)
        user = self.t.get(self.table, user_id)
        if user is None or sign_in is None or sign_in.user_id != user_id or sign_in.ended_at is not None:
            return None
        return self.out(user), detached(sign_in)


class FakeOtpRepository(FakeRepository):
    table = "otps"

    async def latest_for(self, email: str, *, for_update: bool = False) -> EmailOtp | None:
        mine = self.where(lambda o: o.email == email)
        latest: EmailOtp | None = self.out(max(mine, key=lambda o: o.created_at)) if mine else None
        return latest


class FakeEmailTokenRepository(FakeRepository):
    table = "email_tokens"

    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> EmailToken | None:
        found: EmailToken | None = self.first(lambda t: t.token_digest == digest)
        return found


class FakeRefreshSessionRepository(FakeRepository):
    table = "sessions"

    async def revoke_family(self, family_id: UUID, now: datetime) -> int:
        return self._revoke(lambda s: s.family_id == family_id, now)

    async def revoke_all_for_user(self, user_id: UUID, now: datetime, *, keep_family: UUID | None = None) -> int:
        return self._revoke(lambda s: s.user_id == user_id and s.family_id != keep_family, now)

    def _revoke(self, match: Any, now: datetime) -> int:
        live: list[RefreshSession] = self.where(lambda s: match(s) and s.revoked_at is None)
        for session in live:
            self.t.put(self.table, session.id, replace(session, revoked_at=now))
        return len(live)


class FakeAuditLog(FakeRepository):
    table = "audit"

    async def add(self, obj: AuditEntry) -> None:
        self.t.put(self.table, obj.id, obj)
