"""Helpers for the unit tests: reach into the fakes, seed accounts, and walk the sign-up steps."""

from __future__ import annotations

from collections.abc import Callable
from uuid import UUID

from application.accounts import SendOtp, VerifyOtp, send_otp, verify_otp
from application.budgets import FundProject, fund_project
from application.identity import Identity
from domain.ledger import AccountKey
from domain.users import Role, User
from tests.fakes.services import FakeClock, FakeMailer
from tests.fakes.store import FakeUnitOfWorkFactory, Store

CLIENT_ADDRESS = "203.0.113.7"


def fake_store(deps: Identity) -> Store:
    assert isinstance(deps.uow, FakeUnitOfWorkFactory)
    return deps.uow.store


def fake_clock(deps: Identity) -> FakeClock:
    assert isinstance(deps.clock, FakeClock)
    return deps.clock


def fake_mailer(deps: Identity) -> FakeMailer:
    assert isinstance(deps.uow, FakeUnitOfWorkFactory)
    assert isinstance(deps.uow.mailer, FakeMailer)
    return deps.uow.mailer


async def seed_user(
    deps: Identity,
    email: str = "ada@example.com",
    password: str = "Analytical-Engine-1843",
    *,
    role: Role = Role.MEMBER,
    password_hash: str | None = None,
    is_active: bool = True,
) -> User:
    user = User(
        email=email,
        full_name="Ada Lovelace",
        role=role,
        password_hash=password_hash or "fake$" + password,
        created_at=deps.clock.now(),
        is_active=is_active,
    )
    async with deps.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


async def edit_user(deps: Identity, user_id: UUID, change: Callable[[User], None]) -> None:
    async with deps.uow() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        change(user)
        await uow.users.update(user)
        await uow.commit()


async def mailed_code(deps: Identity, email: str) -> str:
    await send_otp(SendOtp(email, CLIENT_ADDRESS), deps)
    return str(fake_mailer(deps).last_to(email).context["code"])


async def email_token_for(deps: Identity, email: str) -> str:
    return await verify_otp(VerifyOtp(email, await mailed_code(deps, email)), deps)


def balance_of(uow: FakeUnitOfWorkFactory, key: AccountKey) -> int:
    """An account's committed balance in the fake ledger (0 for one never used)."""
    found = uow.store.accounts.get(key.id)
    return 0 if found is None else int(found.balance)


async def fund(uow: FakeUnitOfWorkFactory, clock: FakeClock, admin: User, slug: str, points: int) -> None:
    await fund_project(FundProject(slug, points, "Funding"), admin, uow, clock)
