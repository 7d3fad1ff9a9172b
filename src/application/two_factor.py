"""Two-factor sign-in: set up, turn on (with recovery codes), turn off, an admin's reset, and the check."""

from __future__ import annotations

import secrets
from datetime import datetime
from uuid import UUID

from application import limits
from application.access import ensure_admin
from application.identity import Identity, user_changed
from application.ports.repositories import UnitOfWork
from application.ports.security import Provisioning
from application.sign_ins import end_sign_ins
from domain.account_events import RecoveryCodeUsed, TwoFactorDisabled, TwoFactorEnabled
from domain.errors import InvalidCredentials, TwoFactorCodeInvalid, TwoFactorState, UserNotFound
from domain.two_factor import RecoveryCode, generate_recovery_codes, looks_like_totp, normalize_recovery_code
from domain.users import User


async def passes_second_factor(uow: UnitOfWork, user: User, code: str, deps: Identity, now: datetime) -> bool:
    """A current code not used before, or an unused recovery code (spent now). `user` must be locked."""
    if user.totp_secret is None:
        return False
    if looks_like_totp(code):
        step = deps.authenticator.matching_step(user.totp_secret, code.strip(), now)
        return step is not None and user.use_totp_step(step)
    normalized = normalize_recovery_code(code)
    if normalized is None:
        return False
    digest = deps.digest(normalized)
    unused = await uow.recovery_codes.unused_of(user.id)
    for candidate in unused:
        if secrets.compare_digest(candidate.code_digest, digest):
            candidate.spend(now)
            if not await uow.recovery_codes.spend(candidate):
                return False
            user.record(RecoveryCodeUsed(at=now, user_id=user.id, left=len(unused) - 1))
            return True
    return False


def _attempt(user: User) -> list[limits.Check]:
    return limits.own_account_checks(str(user.id))


async def set_up(user: User, deps: Identity) -> Provisioning:
    """A new secret kept aside until a code from it turns two-factor on; the answer is its one showing."""
    async with deps.uow() as uow:
        locked = await uow.users.get(user.id, for_update=True)
        if locked is None:
            raise UserNotFound()
        if locked.totp_enabled:
            raise TwoFactorState("Two-factor sign-in is already on; turn it off first.")
        locked.totp_pending_secret = deps.authenticator.new_secret()
        await uow.users.update(locked)
        await uow.commit()
    await user_changed(deps.signed_in, locked.id)
    return deps.authenticator.provisioning(locked.totp_pending_secret, locked.email)


async def enable(user: User, code: str, current: UUID | None, deps: Identity) -> list[str]:
    """Turns two-factor on with a code from the set-up secret; answers the recovery codes, shown this once."""
    checks = _attempt(user)
    await limits.start_attempt(deps.limiter, checks)
    now = deps.clock.now()
    codes = generate_recovery_codes()
    async with deps.uow() as uow:
        locked = await uow.users.get(user.id, for_update=True)
        if locked is None:
            raise UserNotFound()
        if locked.totp_enabled or locked.totp_pending_secret is None:
            raise TwoFactorState("Set two-factor up first (POST /api/auth/2fa/setup/).")
        step = deps.authenticator.matching_step(locked.totp_pending_secret, code.strip(), now)
        if step is None:
            raise TwoFactorCodeInvalid(field="code")
        locked.turn_on_totp()
        locked.use_totp_step(step)
        await uow.recovery_codes.replace_all(locked.id, [RecoveryCode(locked.id, deps.digest(c)) for c in codes])
        await uow.users.update(locked)
        await end_sign_ins(uow, locked.id, now, keep=current)
        locked.record(TwoFactorEnabled(at=now, user_id=locked.id))
        await uow.commit()
    await user_changed(deps.signed_in, locked.id)
    await limits.forgive_attempt(deps.limiter, checks)
    return codes


async def disable(user: User, code: str, password: str | None, current: UUID | None, deps: Identity) -> None:
    """Turns two-factor off with a current code, or with a recovery code and the password."""
    checks = _attempt(user)
    await limits.start_attempt(deps.limiter, checks)
    if not looks_like_totp(code) and (password is None or not await deps.hasher.verify(user.password_hash, password)):
        raise InvalidCredentials("A recovery code needs the password with it.")
    now = deps.clock.now()
    async with deps.uow() as uow:
        locked = await uow.users.get(user.id, for_update=True)
        if locked is None:
            raise UserNotFound()
        if not locked.totp_enabled:
            raise TwoFactorState("Two-factor sign-in is not on.")
        if not await passes_second_factor(uow, locked, code, deps, now):
            raise TwoFactorCodeInvalid(field="code")
        await _turn_off(uow, locked, locked.id, now, keep=current)
        await uow.commit()
    await user_changed(deps.signed_in, locked.id)
    await limits.forgive_attempt(deps.limiter, checks)


async def reset_by_admin(admin: User, user_id: UUID, deps: Identity) -> User:
    """For someone who lost their device and codes: two-factor off, every sign-in of theirs ended."""
    ensure_admin(admin)
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await uow.users.get(user_id, for_update=True)
        if user is None:
            raise UserNotFound()
        await _turn_off(uow, user, admin.id, now, keep=None)
        await uow.commit()
    await user_changed(deps.signed_in, user.id)
    return user


async def _turn_off(uow: UnitOfWork, user: User, by: UUID, now: datetime, *, keep: UUID | None) -> None:
    user.turn_off_totp()
    await uow.recovery_codes.replace_all(user.id, [])
    await uow.users.update(user)
    await end_sign_ins(uow, user.id, now, keep=keep)
    user.record(TwoFactorDisabled(at=now, user_id=user.id, by=by))
