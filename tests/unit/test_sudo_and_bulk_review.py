"""Sudo mode's password check (limited like sign-in, audited, fresh for ten minutes) and bulk approval, where
each submission goes through the one approval use case and gets its own answer."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from application.assignments import claim_task, submit
from application.bulk_review import MAX_BULK, approve_many
from application.identity import Identity
from application.sudo import confirm_password, in_sudo_mode
from application.tasks import CreateTask, create_public_task
from domain.errors import InvalidCredentials, InvalidInput, PermissionDenied, TooManyAttempts
from domain.ledger import AccountKind
from domain.sudo import SUDO_WINDOW
from domain.users import Role, User
from tests.fakes.helpers import fake_clock, fake_store, seed_user
from tests.fakes.services import fake_identity

PASSWORD = "Analytical-Engine-1843"


async def test_the_right_password_opens_sudo_mode_for_ten_minutes() -> None:
    deps = fake_identity()
    admin = await seed_user(deps, role=Role.ADMIN)
    confirmed = await confirm_password(admin, PASSWORD, "203.0.113.7", deps)
    assert confirmed == deps.clock.now()
    assert [e.action for e in fake_store(deps).audit.values()] == ["sudo.confirmed"]
    clock = fake_clock(deps)
    clock.advance(SUDO_WINDOW - timedelta(seconds=1))
    assert in_sudo_mode(confirmed, deps)
    clock.advance(timedelta(seconds=1))
    assert not in_sudo_mode(confirmed, deps)
    assert not in_sudo_mode(None, deps)
    assert not in_sudo_mode(deps.clock.now() + timedelta(minutes=1), deps)  # a time yet to come proves nothing


async def test_a_wrong_password_is_refused_audited_and_counted_with_the_sign_in_failures() -> None:
    deps = fake_identity()
    admin = await seed_user(deps, role=Role.ADMIN)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await confirm_password(admin, "a wrong guess", "203.0.113.7", deps)
    assert [e.action for e in fake_store(deps).audit.values()] == ["sudo.failed"] * 5
    with pytest.raises(TooManyAttempts):  # the sixth try in the minute, even with the right password
        await confirm_password(admin, PASSWORD, "203.0.113.7", deps)
    fake_clock(deps).advance(timedelta(minutes=1))
    await confirm_password(admin, PASSWORD, "203.0.113.7", deps)


def wallet_balances(deps: Identity) -> list[int]:
    return sorted(a.balance for a in fake_store(deps).accounts.values() if a.key.kind is AccountKind.WALLET)


async def submissions(count: int) -> tuple[Identity, User, list[UUID]]:
    deps = fake_identity()
    admin = await seed_user(deps, "root@example.com", role=Role.ADMIN)
    task = await create_public_task(CreateTask("Fold chairs", points=2, claim_limit=count), admin, deps.uow, deps.clock)
    made = []
    for n in range(count):
        member = await seed_user(deps, f"m{n}@example.com")
        claim = await claim_task(task.slug, member, deps.uow, deps.clock)
        await submit(claim.id, "", member, deps.uow, deps.clock)
        made.append(claim.id)
    return deps, admin, made


async def test_each_submission_is_approved_on_its_own_and_reported() -> None:
    deps, admin, made = await submissions(2)
    missing = UUID(int=7)
    outcomes = await approve_many([made[0], made[1], made[0], missing], admin, deps.uow, deps.clock)
    assert [(o.assignment_id, o.approved) for o in outcomes] == [(made[0], True), (made[1], True), (missing, False)]
    assert outcomes[0].label == "“Fold chairs” by Ada Lovelace"
    assert outcomes[2].reason == "No such assignment."
    assert wallet_balances(deps) == [2, 2]
    again = await approve_many([made[0]], admin, deps.uow, deps.clock)
    assert not again[0].approved
    assert "approved" in again[0].reason
    assert wallet_balances(deps) == [2, 2]  # credited once


async def test_bulk_approval_is_for_admins_with_something_ticked() -> None:
    deps, admin, made = await submissions(1)
    member = await seed_user(deps, "someone@example.com")
    with pytest.raises(PermissionDenied):
        await approve_many(made, member, deps.uow, deps.clock)
    with pytest.raises(InvalidInput):
        await approve_many([], admin, deps.uow, deps.clock)
    with pytest.raises(InvalidInput):
        await approve_many([UUID(int=n) for n in range(MAX_BULK + 1)], admin, deps.uow, deps.clock)
    assert all(not balance for balance in wallet_balances(deps))
