"""Sign-ins: starting one, listing a person's, ending one or all, and the one place every ending passes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.identity import user_changed
from application.paging import Page, PageRequest
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWork, UnitOfWorkFactory
from application.ports.security import SignedInUsers
from domain.account_events import SessionEnded, SignInsChanged
from domain.errors import SignInNotFound
from domain.sign_ins import SignIn
from domain.users import User


async def account_changed(uow: UnitOfWork, user_id: UUID, now: datetime) -> None:
    """Every "a sign-in ended / the account changed" goes through here, in the transaction that did it; the
    use case then calls `user_changed` after its commit, so kept copies of the user are dropped everywhere."""
    uow.record(SignInsChanged(at=now, user_id=user_id))


async def end_sign_ins(uow: UnitOfWork, user_id: UUID, now: datetime, *, keep: UUID | None = None) -> None:
    """Ends every sign-in of the user but `keep`: their refresh tokens and access tokens stop working now."""
    await uow.sign_ins.end_all_for_user(user_id, now, keep=keep)
    await uow.sessions.revoke_all_for_user(user_id, now, keep_family=keep)
    await account_changed(uow, user_id, now)


async def end_sign_in(uow: UnitOfWork, sign_in: SignIn, now: datetime) -> None:
    sign_in.end(now)
    await uow.sign_ins.update(sign_in)
    await uow.sessions.revoke_family(sign_in.id, now)
    await account_changed(uow, sign_in.user_id, now)


@dataclass(frozen=True)
class SignInView:
    id: UUID
    kind: str
    created_at: datetime
    last_used_at: datetime
    client_address: str
    user_agent: str
    current: bool


async def list_sign_ins(
    user: User, current: UUID | None, page: PageRequest, uow: UnitOfWorkFactory
) -> Page[SignInView]:
    """The person's live sign-ins, newest first, the one asking marked."""
    async with uow() as work:
        mine = await work.sign_ins.live_of(user.id, page)
    views = [
        SignInView(s.id, s.kind.value, s.created_at, s.last_used_at, s.client_address, s.user_agent, s.id == current)
        for s in mine.items
    ]
    return Page(views, mine.next_cursor)


async def end_my_sign_in(
    user: User, sign_in_id: UUID, uow: UnitOfWorkFactory, clock: Clock, signed_in: SignedInUsers
) -> None:
    """Ends one of the person's own sign-ins; someone else's is not found."""
    now = clock.now()
    async with uow() as work:
        sign_in = await work.sign_ins.get(sign_in_id, for_update=True)
        if sign_in is None or sign_in.user_id != user.id or not sign_in.is_live:
            raise SignInNotFound()
        await end_sign_in(work, sign_in, now)
        work.record(SessionEnded(at=now, user_id=user.id, sign_in_id=sign_in.id))
        await work.commit()
    await user_changed(signed_in, user.id)
