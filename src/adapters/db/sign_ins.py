"""Repositories for sign-ins, recovery codes, password-reset links and pending email changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, delete, select, tuple_, update

from adapters.db.base import TableRepository
from adapters.db.pagination import decode_time_id_cursor, encode_cursor, page_limit, split_page
from adapters.db.tables import email_changes, password_resets, recovery_codes, sign_ins
from application.paging import Page, PageRequest
from domain.recovery import EmailChange, PasswordReset
from domain.sign_ins import SignIn, SignInKind
from domain.two_factor import RecoveryCode


def sign_in_from_row(mapping: Any) -> SignIn:
    return SignIn(
        user_id=mapping["user_id"],
        kind=SignInKind(mapping["kind"]),
        created_at=mapping["created_at"],
        last_used_at=mapping["last_used_at"],
        client_address=mapping["client_address"],
        user_agent=mapping["user_agent"],
        ended_at=mapping["ended_at"],
        id=mapping["id"],
    )


class SqlSignInRepository(TableRepository[SignIn]):
    table = sign_ins
    entity = SignIn

    def from_row(self, row: Row[Any]) -> SignIn:
        return sign_in_from_row(row._mapping)

    async def live_of(self, user_id: UUID, page: PageRequest) -> Page[SignIn]:
        limit = page_limit(page)
        query = select(sign_ins).where(sign_ins.c.user_id == user_id, sign_ins.c.ended_at.is_(None))
        if page.cursor:
            at, last_id = decode_time_id_cursor(page.cursor)
            query = query.where(tuple_(sign_ins.c.created_at, sign_ins.c.id) < tuple_(at, last_id))
        ordered = query.order_by(sign_ins.c.created_at.desc(), sign_ins.c.id.desc()).limit(limit + 1)
        found, more = split_page(await self.all(ordered), limit)
        return Page(found, encode_cursor(found[-1].created_at, found[-1].id) if more else None)

    async def end_all_for_user(self, user_id: UUID, now: datetime, *, keep: UUID | None = None) -> int:
        condition = [sign_ins.c.user_id == user_id, sign_ins.c.ended_at.is_(None)]
        if keep is not None:
            condition.append(sign_ins.c.id != keep)
        result = await self.write(update(sign_ins).where(*condition).values(ended_at=now))
        return result.rowcount

    async def touch(self, sign_in_id: UUID, now: datetime) -> None:
        await self.write(
            update(sign_ins).where(sign_ins.c.id == sign_in_id, sign_ins.c.last_used_at < now).values(last_used_at=now)
        )


class SqlRecoveryCodeRepository(TableRepository[RecoveryCode]):
    table = recovery_codes
    entity = RecoveryCode

    async def replace_all(self, user_id: UUID, codes: list[RecoveryCode]) -> None:
        await self.write(delete(recovery_codes).where(recovery_codes.c.user_id == user_id))
        for code in codes:
            await self.add(code)

    async def unused_of(self, user_id: UUID) -> list[RecoveryCode]:
        query = select(recovery_codes).where(recovery_codes.c.user_id == user_id, recovery_codes.c.used_at.is_(None))
        return await self.all(query)

    async def spend(self, code: RecoveryCode) -> bool:
        result = await self.write(
            update(recovery_codes)
            .where(recovery_codes.c.id == code.id, recovery_codes.c.used_at.is_(None))
            .values(used_at=code.used_at)
        )
        return result.rowcount == 1


class SqlPasswordResetRepository(TableRepository[PasswordReset]):
    table = password_resets
    entity = PasswordReset

    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> PasswordReset | None:
        query = select(password_resets).where(password_resets.c.token_digest == digest)
        return await self.first(query.with_for_update() if for_update else query)

    async def spend_all_for_user(self, user_id: UUID, now: datetime) -> int:
        result = await self.write(
            update(password_resets)
            .where(password_resets.c.user_id == user_id, password_resets.c.used_at.is_(None))
            .values(used_at=now)
        )
        return result.rowcount


class SqlEmailChangeRepository(TableRepository[EmailChange]):
    table = email_changes
    entity = EmailChange

    async def latest_for(self, user_id: UUID, *, for_update: bool = False) -> EmailChange | None:
        query = (
            select(email_changes)
            .where(email_changes.c.user_id == user_id)
            .order_by(email_changes.c.created_at.desc())
            .limit(1)
        )
        return await self.first(query.with_for_update() if for_update else query)
