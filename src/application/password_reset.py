"""Getting back in after forgetting the password: an emailed single-use link, then a new password."""

from __future__ import annotations

from dataclasses import dataclass

from application import limits
from application.identity import Identity, user_changed
from application.sign_ins import end_sign_ins
from domain.account_events import PasswordReset as PasswordWasReset
from domain.account_events import PasswordResetRequested
from domain.errors import ResetTokenInvalid
from domain.recovery import RESET_LIFETIME, PasswordReset
from domain.users import check_password_policy, normalize_email
from domain.verification import generate_secret_token, token_digest

# Like code sends: tight per (account, address), loose per account, so a stranger cannot use up the owner's.
FORGOT_PER_ADDRESS_HOURLY = limits.Limit("password-forgot-ip", 30, limits.HOUR)
FORGOT_PER_ACCOUNT_ADDRESS_HOURLY = limits.Limit("password-forgot-pair", 5, limits.HOUR)
FORGOT_HOURLY = limits.Limit("password-forgot", 20, limits.HOUR)


@dataclass(frozen=True)
class ResetPassword:
    token: str
    new_password: str


async def forgot_password(email: str, client_address: str, deps: Identity) -> None:
    """Mails a reset link to an active account; the answer is the same whether or not there is one."""
    email = normalize_email(email)
    checks = [
        (FORGOT_PER_ADDRESS_HOURLY, client_address),
        (FORGOT_PER_ACCOUNT_ADDRESS_HOURLY, f"{email}|{client_address}"),
        (FORGOT_HOURLY, email),
    ]
    await limits.consume(deps.limiter, checks)
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await uow.users.get_by_email(email)
        if user is None or not user.is_active:
            return
        token = generate_secret_token()
        await uow.password_resets.add(PasswordReset.issue(user.id, token_digest(token), now))
        minutes = int(RESET_LIFETIME.total_seconds() // 60)
        uow.record(
            PasswordResetRequested(at=now, email=user.email, full_name=user.full_name, token=token, minutes=minutes)
        )
        await uow.commit()


async def reset_password(cmd: ResetPassword, deps: Identity) -> None:
    """Sets the new password, spends every reset link of the account and ends every sign-in."""
    digest = token_digest(cmd.token)
    async with deps.uow() as uow:
        seen = await uow.password_resets.get_by_digest(digest)
        user = None if seen is None else await uow.users.get(seen.user_id)
    if seen is None or user is None or not user.is_active:
        raise ResetTokenInvalid(field="token")
    check_password_policy(cmd.new_password, email=user.email)
    new_hash = await deps.hasher.hash(cmd.new_password)  # outside the transaction: argon2 is slow
    now = deps.clock.now()
    async with deps.uow() as uow:
        reset = await uow.password_resets.get_by_digest(digest, for_update=True)
        if reset is None:
            raise ResetTokenInvalid(field="token")
        reset.spend(now)
        await uow.password_resets.update(reset)
        await uow.password_resets.spend_all_for_user(reset.user_id, now)
        locked = await uow.users.get(reset.user_id, for_update=True)
        if locked is None or not locked.is_active:
            raise ResetTokenInvalid(field="token")
        locked.change_password_hash(new_hash)
        await uow.users.update(locked)
        await end_sign_ins(uow, locked.id, now)
        locked.record(PasswordWasReset(at=now, user_id=locked.id))
        await uow.commit()
    await user_changed(deps.signed_in, locked.id)
