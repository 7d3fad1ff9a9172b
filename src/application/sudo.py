"""Sudo mode: the signed-in person proves it is still them by giving their password again.

The attempt counts against the same limits as signing in (per account and per client address), so a
borrowed session cannot be used to guess the password faster than the sign-in page allows.
"""

from __future__ import annotations

from datetime import datetime

from application import limits
from application.identity import Identity
from domain.account_events import PasswordConfirmationFailed, PasswordConfirmed
from domain.errors import InvalidCredentials
from domain.sudo import sudo_is_fresh
from domain.users import User


async def confirm_password(user: User, password: str, client_address: str, deps: Identity) -> datetime:
    """The time of the confirmation, to keep with the session; a wrong password is refused and audited."""
    checks = deps.limits.login_checks(user.email, client_address)
    await limits.start_attempt(deps.limiter, checks)
    matched = await deps.hasher.verify(user.password_hash, password)
    now = deps.clock.now()
    async with deps.uow() as uow:
        event = PasswordConfirmed if matched else PasswordConfirmationFailed
        uow.record(event(at=now, user_id=user.id))
        await uow.commit()
    if not matched:
        raise InvalidCredentials("The password is wrong.", field="password")
    await limits.forgive_attempt(deps.limiter, checks)
    return now


def in_sudo_mode(confirmed_at: datetime | None, deps: Identity) -> bool:
    return sudo_is_fresh(confirmed_at, deps.clock.now())
