"""The database adapter maps a refused write to its domain error by constraint name, on SQLite and PostgreSQL.

What is not a rule (an unknown violation) propagates as the raw IntegrityError: there is no catch-all.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from adapters.db.engine import create_engine
from adapters.db.errors import REFUSALS
from adapters.db.uow import SqlUnitOfWorkFactory
from domain.access import ProjectRole
from domain.errors import BudgetExceeded, InsufficientPoints, TaskClosed, TaskFull
from domain.invitations import Invitation
from domain.ledger import TREASURY, AccountKey, Transfer, TransferKind, budget_of, escrow_of, wallet_of
from domain.projects import Project
from domain.tasks import Task
from domain.users import Role, User

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgres"])
async def uow(request: pytest.FixtureRequest) -> AsyncIterator[SqlUnitOfWorkFactory]:
    engine = create_engine(request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_url"))
    yield SqlUnitOfWorkFactory(engine)
    await engine.dispose()


async def a_task(uow: SqlUnitOfWorkFactory, **changes: object) -> tuple[User, Task]:
    user = User("ada@example.com", "Ada", Role.ADMIN, "!unusable", NOW)
    task = Task(slug="paint", name="Paint", created_by=user.id, created_at=NOW)
    for name, value in changes.items():
        setattr(task, name, value)
    async with uow() as work:
        await work.users.add(user)
        await work.tasks.add(task)
        await work.commit()
    return user, task


def a_payment(debit: AccountKey, credit: AccountKey, amount: int) -> Transfer:
    return Transfer(debit, credit, amount, TransferKind.ADJUSTMENT, "test", "test", NOW)


async def test_a_balance_below_zero_is_refused_by_the_kind_of_account(uow: SqlUnitOfWorkFactory) -> None:
    """The domain checks the balance it read; the schema refuses anyway when that read was stale (or skipped)."""
    user, task = await a_task(uow)
    async with uow() as work:
        await work.ledger.post(a_payment(TREASURY, wallet_of(user.id), 5))
        await work.ledger.post(a_payment(TREASURY, escrow_of(task.id), 5))
        await work.commit()
    for key, error in ((wallet_of(user.id), InsufficientPoints), (escrow_of(task.id), BudgetExceeded)):
        async with uow() as work:
            with pytest.raises(error) as refused:
                await work.ledger.post(a_payment(key, TREASURY, 6))
        assert isinstance(refused.value.__cause__, IntegrityError)
    async with uow() as work:
        with pytest.raises(BudgetExceeded):  # a budget never funded has no row to pay from
            await work.ledger.post(a_payment(budget_of(task.id), TREASURY, 1))
        await work.ledger.post(a_payment(wallet_of(user.id), TREASURY, 5))
        await work.commit()
    async with uow() as work:
        balances = [(await work.ledger.account(key)).balance for key in (wallet_of(user.id), TREASURY)]
    assert balances == [0, -5]


async def test_more_slots_than_the_limit_is_task_full(uow: SqlUnitOfWorkFactory) -> None:
    _, task = await a_task(uow)
    async with uow() as work:
        task.slots_taken = 2
        with pytest.raises(TaskFull):
            await work.tasks.update(task)


async def test_take_slot_is_the_guard_the_domain_check_leaves(uow: SqlUnitOfWorkFactory) -> None:
    _, task = await a_task(uow, claim_limit=2)
    stale = Task(**{**vars(task)})
    async with uow() as work:
        await work.tasks.take_slot(task)
        await work.tasks.take_slot(stale)  # read before the first slot was taken: the statement still counts
        assert (task.slots_taken, stale.slots_taken) == (1, 2)
        with pytest.raises(TaskFull):
            await work.tasks.take_slot(task)
        await work.commit()
    async with uow() as work:
        stored = await work.tasks.get(task.id)
        assert stored is not None
        assert stored.slots_taken == 2
        stored.is_open, stored.slots_taken, stored.claim_limit = False, 0, 3
        await work.tasks.update(stored)
        with pytest.raises(TaskClosed):
            await work.tasks.take_slot(stored)


async def test_an_unknown_violation_propagates_unchanged(uow: SqlUnitOfWorkFactory) -> None:
    assert "uq_invitations_one_pending" not in REFUSALS
    user, _ = await a_task(uow)
    project = Project("site", "Site", user.id, NOW)
    first = Invitation(project.id, "nina@example.com", ProjectRole.MEMBER, user.id, "a" * 64, NOW, NOW)
    second = Invitation(project.id, "nina@example.com", ProjectRole.MEMBER, user.id, "b" * 64, NOW, NOW)
    async with uow() as work:
        await work.projects.add(project)
        await work.invitations.add(first)
        with pytest.raises(IntegrityError, match=r"uq_invitations_one_pending|invitations\.project_id"):
            await work.invitations.add(second)
