"""A person's own account: name and time zone, a new email address, and closing the account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application import limits
from application.access import ensure_admin, withdraw_open_claims
from application.identity import Identity, user_changed
from application.ports.repositories import UnitOfWork
from application.sign_ins import account_changed, end_sign_ins
from domain.account_events import AccountClosed, EmailChanged, EmailChangeRequested, ProfileChanged
from domain.errors import EmailTaken, InvalidCredentials, OtpInvalid, PermissionDenied, UserNotFound
from domain.events import Withdrawal
from domain.recovery import EMAIL_CHANGE_LIFETIME, EmailChange
from domain.users import User, normalize_email
from domain.verification import generate_otp


@dataclass(frozen=True)
class UpdateProfile:
    user: User
    full_name: str | None = None
    time_zone: str | None = None


async def update_profile(cmd: UpdateProfile, deps: Identity) -> User:
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await uow.users.get(cmd.user.id, for_update=True)
        if user is None:
            raise UserNotFound()
        user.change_profile(cmd.full_name, cmd.time_zone)
        await uow.users.update(user)
        fields = tuple(name for name in ("full_name", "time_zone") if getattr(cmd, name) is not None)
        user.record(ProfileChanged(at=now, user_id=user.id, fields=fields))
        await account_changed(uow, user.id, now)
        await uow.commit()
    await user_changed(deps.signed_in, user.id)
    return user


async def _check_password(user: User, password: str, deps: Identity) -> None:
    checks = limits.own_account_checks(str(user.id))
    await limits.start_attempt(deps.limiter, checks)
    if not await deps.hasher.verify(user.password_hash, password):
        raise InvalidCredentials("The password is wrong.")
    await limits.forgive_attempt(deps.limiter, checks)


async def request_email_change(user: User, new_email: str, password: str, deps: Identity) -> None:
    """Mails a code to the new address; the account keeps its email until the code comes back."""
    email = normalize_email(new_email)
    await _check_password(user, password, deps)
    now = deps.clock.now()
    code = generate_otp()
    async with deps.uow() as uow:
        if email == user.email or await uow.users.get_by_email(email) is not None:
            raise EmailTaken(field="new_email")
        await limits.cool_down(deps.limiter, "email-change", str(user.id), limits.OTP_SEND_COOLDOWN_SECONDS)
        sends = limits.EMAIL_CHANGE_SENDS_HOURLY
        await limits.consume(deps.limiter, [(sends, str(user.id)), (sends, email)])
        await uow.email_changes.add(EmailChange.issue(user.id, email, deps.digest(code), now))
        minutes = int(EMAIL_CHANGE_LIFETIME.total_seconds() // 60)
        uow.record(
            EmailChangeRequested(
                at=now, user_id=user.id, new_email=email, full_name=user.full_name, code=code, minutes=minutes
            )
        )
        await uow.commit()


async def confirm_email_change(user: User, code: str, current: UUID | None, deps: Identity) -> User:
    """Switches to the proven address and ends every other sign-in."""
    checks: list[limits.Check] = [(limits.OTP_VERIFY_FAILURES_HOURLY, str(user.id))]
    await limits.start_attempt(deps.limiter, checks)
    now = deps.clock.now()
    async with deps.uow() as uow:
        change = await uow.email_changes.latest_for(user.id, for_update=True)
        locked = await uow.users.get(user.id, for_update=True)
        if change is None or locked is None:
            raise OtpInvalid(field="code")
        confirmed = change.confirm(deps.digest(code.strip()), now)
        await uow.email_changes.update(change)
        if confirmed:
            old = locked.email
            locked.email = change.new_email
            await uow.users.update(locked)  # a taken address answers `email_taken` (unique index)
            await end_sign_ins(uow, locked.id, now, keep=current)
            locked.record(EmailChanged(at=now, user_id=locked.id, old_email=old))
        await uow.commit()
    if not confirmed:
        raise OtpInvalid(field="code")
    await user_changed(deps.signed_in, locked.id)
    await limits.forgive_attempt(deps.limiter, checks)
    return locked


async def close_account(user: User, password: str, deps: Identity) -> None:
    """The person closes their own account, proving it with the password."""
    await _check_password(user, password, deps)
    async with deps.uow() as uow:
        await _close(uow, user.id, user.id, deps.clock.now())
        await uow.commit()
    await user_changed(deps.signed_in, user.id)


async def close_by_admin(admin: User, user_id: UUID, deps: Identity) -> User:
    ensure_admin(admin)
    if user_id == admin.id:
        raise PermissionDenied("Admins cannot close their own account from the admin tools.")
    async with deps.uow() as uow:
        closed = await _close(uow, user_id, admin.id, deps.clock.now())
        await uow.commit()
    await user_changed(deps.signed_in, closed.id)
    return closed


async def _close(uow: UnitOfWork, user_id: UUID, by: UUID, now: datetime) -> User:
    """Personal data goes; the id stays, so the ledger and the work history keep their rows."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None or user.closed_at is not None:
        raise UserNotFound()
    user.close(now)
    await uow.users.update(user)
    await uow.recovery_codes.replace_all(user.id, [])
    await end_sign_ins(uow, user.id, now)
    await withdraw_open_claims(
        uow, await uow.assignments.open_claims(user_id=user.id), Withdrawal.ACCOUNT_DEACTIVATED, now
    )
    user.record(AccountClosed(at=now, user_id=user.id, by=by))
    return user
