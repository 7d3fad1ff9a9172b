"""Fake repositories of sign-ins, recovery codes, password-reset links and email changes; a fake authenticator."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from uuid import UUID

from application.paging import Page, PageRequest
from application.ports.security import Provisioning
from domain.errors import InvalidInput
from domain.paging import MAX_PAGE_SIZE
from domain.recovery import EmailChange, PasswordReset
from domain.sign_ins import SignIn
from domain.two_factor import RecoveryCode
from tests.fakes.base import FakeRepository

STEP_SECONDS = 30


class FakeSignInRepository(FakeRepository):
    table = "sign_ins"

    async def live_of(self, user_id: UUID, page: PageRequest) -> Page[SignIn]:
        """Cut by position (the cursor is an offset), in the SQL adapter's order."""
        if not 1 <= page.limit <= MAX_PAGE_SIZE:
            raise InvalidInput(f"limit must be between 1 and {MAX_PAGE_SIZE}.", field="limit")
        mine = self.where(lambda s: s.user_id == user_id and s.ended_at is None)
        ordered = sorted(mine, key=lambda s: (s.created_at, s.id), reverse=True)
        start = int(page.cursor or 0)
        end = start + page.limit
        return Page([self.out(s) for s in ordered[start:end]], str(end) if end < len(ordered) else None)

    async def end_all_for_user(self, user_id: UUID, now: datetime, *, keep: UUID | None = None) -> int:
        live = self.where(lambda s: s.user_id == user_id and s.ended_at is None and s.id != keep)
        for sign_in in live:
            self.t.put(self.table, sign_in.id, replace(sign_in, ended_at=now))
        return len(live)

    async def touch(self, sign_in_id: UUID, now: datetime) -> None:
        found = self.t.get(self.table, sign_in_id)
        if found is not None and found.last_used_at < now:
            self.t.put(self.table, sign_in_id, replace(found, last_used_at=now))


class FakeRecoveryCodeRepository(FakeRepository):
    table = "recovery_codes"

    async def replace_all(self, user_id: UUID, codes: list[RecoveryCode]) -> None:
        for old in self.where(lambda c: c.user_id == user_id):
            self.t.delete(self.table, old.id)
        for code in codes:
            await self.add(code)

    async def unused_of(self, user_id: UUID) -> list[RecoveryCode]:
        return [self.out(c) for c in self.where(lambda c: c.user_id == user_id and c.used_at is None)]

    async def spend(self, code: RecoveryCode) -> bool:
        stored = self.t.get(self.table, code.id)
        if stored is None or stored.used_at is not None:
            return False
        self.t.put(self.table, code.id, replace(stored, used_at=code.used_at))
        return True


class FakePasswordResetRepository(FakeRepository):
    table = "password_resets"

    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> PasswordReset | None:
        found: PasswordReset | None = self.first(lambda r: r.token_digest == digest)
        return found

    async def spend_all_for_user(self, user_id: UUID, now: datetime) -> int:
        live = self.where(lambda r: r.user_id == user_id and r.used_at is None)
        for reset in live:
            self.t.put(self.table, reset.id, replace(reset, used_at=now))
        return len(live)


class FakeEmailChangeRepository(FakeRepository):
    table = "email_changes"

    async def latest_for(self, user_id: UUID, *, for_update: bool = False) -> EmailChange | None:
        mine = self.where(lambda c: c.user_id == user_id)
        latest: EmailChange | None = self.out(max(mine, key=lambda c: c.created_at)) if mine else None
        return latest


class FakeAuthenticator:
    """Codes are derived from the secret and the 30-second step, as real TOTP is; `code_at` makes one."""

    def __init__(self) -> None:
        self.count = 0

    def new_secret(self) -> str:
        self.count += 1
        return f"sealed:SECRET{self.count}"

    def provisioning(self, sealed: str, account: str) -> Provisioning:
        secret = sealed.removeprefix("sealed:")
        uri = f"otpauth://totp/TaskReward:{account}?secret={secret}&issuer=TaskReward"
        return Provisioning(secret, uri, "<svg></svg>")

    @staticmethod
    def code_at(sealed: str, now: datetime, offset: int = 0) -> str:
        step = int(now.timestamp()) // STEP_SECONDS + offset
        return f"{int(hashlib.sha256(f'{sealed}:{step}'.encode()).hexdigest(), 16) % 1_000_000:06d}"

    def matching_step(self, sealed: str, code: str, now: datetime) -> int | None:
        step = int(now.timestamp()) // STEP_SECONDS
        for offset in (-1, 0, 1):
            if self.code_at(sealed, now, offset) == code:
                return step + offset
        return None
