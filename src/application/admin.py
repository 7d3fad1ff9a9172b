"""Admin use cases on accounts: change a role, deactivate or reactivate."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.access import ensure_admin, withdraw_open_claims
from application.identity import user_changed
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWorkFactory
from application.ports.security import SignedInUsers
from application.sign_ins import account_changed, end_sign_ins
from domain.account_events import AccountDeactivated, AccountReactivated, RoleChanged
from domain.errors import PermissionDenied, UserNotFound
from domain.events import Withdrawal
from domain.users import Role, User


@dataclass(frozen=True)
class UpdateUser:
    user_id: UUID
    role: Role | None = None
    is_active: bool | None = None


async def update_user(
    cmd: UpdateUser, admin: User, uow: UnitOfWorkFactory, clock: Clock, signed_in: SignedInUsers
) -> User:
    """Deactivating (or changing the role) ends the user's sessions at once."""
    ensure_admin(admin)
    if cmd.user_id == admin.id and (cmd.is_active is False or (cmd.role is not None and cmd.role is not Role.ADMIN)):
        raise PermissionDenied("Admins cannot demote or deactivate themselves.")
    now = clock.now()
    async with uow() as work:
        user = await work.users.get(cmd.user_id, for_update=True)
        if user is None:
            raise UserNotFound()
        if cmd.role is not None and cmd.role is not user.role:
            user.change_role(cmd.role)
            user.record(RoleChanged(at=now, user_id=user.id, role=cmd.role.value, by=admin.id))
            await end_sign_ins(work, user.id, now)
        if cmd.is_active is False and user.is_active:
            user.deactivate()
            user.record(AccountDeactivated(at=now, user_id=user.id, by=admin.id))
            await end_sign_ins(work, user.id, now)
            claims = await work.assignments.open_claims(user_id=user.id)
            await withdraw_open_claims(work, claims, Withdrawal.ACCOUNT_DEACTIVATED, now)
        elif cmd.is_active is True and not user.is_active:
            user.activate()
            await account_changed(work, user.id, now)
            user.record(AccountReactivated(at=now, user_id=user.id, by=admin.id))
        await work.users.update(user)
        await work.commit()
    await user_changed(signed_in, user.id)
    return user
