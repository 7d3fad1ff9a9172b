"""One contract for the ledger and review repositories, held by the in-memory fakes and by SQL on SQLite and
PostgreSQL: what they hand back, what they refuse and with which domain error, and what a rollback leaves."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from adapters.db.engine import create_engine
from adapters.db.uow import SqlUnitOfWorkFactory
from application.ports.repositories import UnitOfWorkFactory
from domain.assignments import Assignment, AssignmentStatus, Origin, ReviewRecord
from domain.errors import AlreadyRewarded, BudgetExceeded, InsufficientPoints
from domain.ledger import (
    TREASURY,
    Account,
    AccountKey,
    BudgetSummary,
    Transfer,
    TransferKind,
    budget_of,
    escrow_of,
    wallet_of,
)
from domain.projects import Project
from domain.tasks import Task
from domain.users import Role, User
from tests.fakes.store import FakeUnitOfWorkFactory

T0 = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture(params=["fake", "sqlite", "postgres"])
async def uow(request: pytest.FixtureRequest) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "fake":
        yield FakeUnitOfWorkFactory()
        return
    engine = create_engine(request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_url"))
    yield SqlUnitOfWorkFactory(engine)
    await engine.dispose()


def move(debit: AccountKey, credit: AccountKey, amount: int, kind: TransferKind = TransferKind.ADJUSTMENT) -> Transfer:
    return Transfer(debit, credit, amount, kind, f"{kind.value} {amount}", "ref", T0)


async def world(uow: UnitOfWorkFactory) -> tuple[User, Project, Task, Assignment]:
    user = User("ada@example.com", "Ada", Role.MEMBER, "!", T0)
    project = Project("site", "Site", user.id, T0)
    task = Task(slug="t", name="T", created_by=user.id, created_at=T0, project_id=project.id, points=5, slots_taken=1)
    assignment = Assignment(task.id, user.id, Origin.CLAIMED, T0)
    async with uow() as work:
        await work.users.add(user)
        await work.projects.add(project)
        await work.tasks.add(task)
        await work.assignments.add(assignment)
        await work.commit()
    return user, project, task, assignment


async def balances(uow: UnitOfWorkFactory, *keys: AccountKey) -> list[int]:
    async with uow() as work:
        return [(await work.ledger.account(key)).balance for key in keys]


async def test_a_transfer_moves_both_balances_and_reads_back_whole(uow: UnitOfWorkFactory) -> None:
    user, project, task, assignment = await world(uow)
    wallet, budget, escrow = wallet_of(user.id), budget_of(project.id), escrow_of(task.id)
    assert await balances(uow, wallet, budget, TREASURY) == [0, 0, 0], "never used: empty, not missing"
    funded = move(TREASURY, budget, 50, TransferKind.FUNDING)
    reward = Transfer(escrow, wallet, 5, TransferKind.REWARD, "Approved", "r", T0, user.id, assignment.id)
    async with uow() as work:
        for transfer in (funded, move(budget, escrow, 20, TransferKind.RESERVE), reward):
            await work.ledger.post(transfer)
        locked = await work.ledger.account(escrow, for_update=True)
        assert (type(locked), locked.key, locked.balance) == (Account, escrow, 15)
        await work.commit()
    assert await balances(uow, TREASURY, budget, escrow, wallet) == [-50, 30, 15, 5]
    async with uow() as work:
        assert await work.ledger.get(reward.id) == reward
        assert await work.ledger.get(funded.id) == funded
        assert await work.ledger.get(task.id) is None
        assert await work.ledger.budget(project.id) == BudgetSummary(granted=50, reserved=15, spent=5, available=30)


async def test_what_the_schema_refuses_comes_back_as_the_domains_error(uow: UnitOfWorkFactory) -> None:
    user, project, task, assignment = await world(uow)
    wallet, escrow = wallet_of(user.id), escrow_of(task.id)
    async with uow() as work:
        await work.ledger.post(move(TREASURY, escrow, 5, TransferKind.RESERVE))
        await work.ledger.post(Transfer(escrow, wallet, 5, TransferKind.REWARD, "r", "r", T0, None, assignment.id))
        await work.commit()
    again = Transfer(TREASURY, wallet, 5, TransferKind.REWARD, "r", "r", T0, None, assignment.id)
    refused: list[tuple[Transfer, type[Exception]]] = [
        (again, AlreadyRewarded),
        (move(wallet, TREASURY, 6), InsufficientPoints),
        (move(escrow, TREASURY, 1, TransferKind.RETURN), BudgetExceeded),  # drawn empty
        (move(budget_of(project.id), escrow, 1, TransferKind.RESERVE), BudgetExceeded),  # never funded
    ]
    for transfer, error in refused:
        async with uow() as work:
            with pytest.raises(error):
                await work.ledger.post(transfer)
    assert await balances(uow, wallet, escrow, TREASURY) == [5, 0, -5]


async def test_leaving_without_commit_moves_nothing(uow: UnitOfWorkFactory) -> None:
    user, _, _, assignment = await world(uow)
    review = ReviewRecord(assignment.id, AssignmentStatus.REJECTED, user.id, "No", 0, T0)
    async with uow() as work:
        await work.ledger.post(move(TREASURY, wallet_of(user.id), 9))
        await work.reviews.add(review)
    assert await balances(uow, wallet_of(user.id), TREASURY) == [0, 0]
    async with uow() as work:
        assert await work.reviews.of(assignment.id) == []


async def test_reviews_come_back_oldest_first_and_only_the_assignments_own(uow: UnitOfWorkFactory) -> None:
    user, _, _, assignment = await world(uow)
    rejected = ReviewRecord(assignment.id, AssignmentStatus.REJECTED, user.id, "Typos", 0, T0)
    approved = ReviewRecord(assignment.id, AssignmentStatus.APPROVED, None, "Fine", 5, T0 + timedelta(days=2))
    async with uow() as work:
        for review in (approved, rejected):
            await work.reviews.add(review)
        await work.commit()
    async with uow() as work:
        assert await work.reviews.of(assignment.id) == [rejected, approved]
        assert await work.reviews.of(user.id) == []


async def test_live_in_project_hands_out_the_projects_live_tasks(uow: UnitOfWorkFactory) -> None:
    user, project, task, _ = await world(uow)
    gone = Task(slug="g", name="G", created_by=user.id, created_at=T0, project_id=project.id, deleted_at=T0)
    public = Task(slug="p", name="P", created_by=user.id, created_at=T0)
    async with uow() as work:
        await work.tasks.add(gone)
        await work.tasks.add(public)
        await work.commit()
    async with uow() as work:
        assert [t.id for t in await work.tasks.live_in_project(project.id)] == [task.id]
