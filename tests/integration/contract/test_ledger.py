"""The ledger, review and idempotency contracts: transfers move both balances and read back whole; the schema's
refusals come back as the domain's errors (a second reward, a balance below zero); a rollback moves nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.ports.ledger import IdempotencyRecord
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
from domain.users import User
from tests.integration.contract.conftest import T0, Backend, a_project, a_task, a_user


def move(debit: AccountKey, credit: AccountKey, amount: int, kind: TransferKind = TransferKind.ADJUSTMENT) -> Transfer:
    return Transfer(debit, credit, amount, kind, f"{kind.value} {amount}", "ref", T0)


async def world(backend: Backend) -> tuple[User, Project, Task, Assignment]:
    user = a_user()
    project = a_project(user)
    task = a_task(user, project_id=project.id, points=5, slots_taken=1)
    assignment = Assignment(task.id, user.id, Origin.CLAIMED, T0)
    await backend.seed(user, project, task, assignment)
    return user, project, task, assignment


async def balances(backend: Backend, *keys: AccountKey) -> list[int]:
    async with backend.uow() as work:
        return [(await work.ledger.account(key)).balance for key in keys]


async def test_a_transfer_moves_both_balances_and_reads_back_whole(backend: Backend) -> None:
    user, project, task, assignment = await world(backend)
    wallet, budget, escrow = wallet_of(user.id), budget_of(project.id), escrow_of(task.id)
    assert await balances(backend, wallet, budget, TREASURY) == [0, 0, 0], "never used: empty, not missing"
    funded = move(TREASURY, budget, 50, TransferKind.FUNDING)
    reward = Transfer(escrow, wallet, 5, TransferKind.REWARD, "Approved", "r", T0, user.id, assignment.id)
    async with backend.uow() as work:
        for transfer in (funded, move(budget, escrow, 20, TransferKind.RESERVE), reward):
            await work.ledger.post(transfer)
        locked = await work.ledger.account(escrow, for_update=True)
        assert (type(locked), locked.key, locked.balance) == (Account, escrow, 15)
        await work.commit()
    assert await balances(backend, TREASURY, budget, escrow, wallet) == [-50, 30, 15, 5]
    async with backend.uow() as work:
        assert await work.ledger.get(reward.id) == reward
        assert await work.ledger.get(funded.id) == funded
        assert await work.ledger.get(task.id) is None
        assert await work.ledger.budget(project.id) == BudgetSummary(granted=50, reserved=15, spent=5, available=30)


async def test_what_the_schema_refuses_comes_back_as_the_domains_error(backend: Backend) -> None:
    user, project, task, assignment = await world(backend)
    wallet, escrow = wallet_of(user.id), escrow_of(task.id)
    async with backend.uow() as work:
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
        async with backend.uow() as work:
            with pytest.raises(error):
                await work.ledger.post(transfer)
    assert await balances(backend, wallet, escrow, TREASURY) == [5, 0, -5]


async def test_leaving_without_commit_moves_nothing(backend: Backend) -> None:
    user, _, _, assignment = await world(backend)
    review = ReviewRecord(assignment.id, AssignmentStatus.REJECTED, user.id, "No", 0, T0)
    async with backend.uow() as work:
        await work.ledger.post(move(TREASURY, wallet_of(user.id), 9))
        await work.reviews.add(review)
    assert await balances(backend, wallet_of(user.id), TREASURY) == [0, 0]
    async with backend.uow() as work:
        assert await work.reviews.of(assignment.id) == []


async def test_reviews_come_back_oldest_first_and_only_the_assignments_own(backend: Backend) -> None:
    user, _, _, assignment = await world(backend)
    rejected = ReviewRecord(assignment.id, AssignmentStatus.REJECTED, user.id, "Typos", 0, T0)
    approved = ReviewRecord(assignment.id, AssignmentStatus.APPROVED, None, "Fine", 5, T0 + timedelta(days=2))
    async with backend.uow() as work:
        for review in (approved, rejected):
            await work.reviews.add(review)
        await work.commit()
    async with backend.uow() as work:
        assert await work.reviews.of(assignment.id) == [rejected, approved]
        assert await work.reviews.of(user.id) == []


async def test_live_in_project_hands_out_the_projects_live_tasks(backend: Backend) -> None:
    user, project, task, _ = await world(backend)
    await backend.seed(a_task(user, "gone", project_id=project.id, deleted_at=T0), a_task(user, "public"))
    async with backend.uow() as work:
        assert [t.id for t in await work.tasks.live_in_project(project.id)] == [task.id]


async def test_an_idempotency_key_is_kept_per_user(backend: Backend) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    await backend.seed(ada, bob)
    record = IdempotencyRecord(ada.id, "k1", "d" * 64, "entry:7", T0)
    async with backend.uow() as uow:
        await uow.idempotency.add(record)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.idempotency.get(ada.id, "k1") == record
        assert await uow.idempotency.get(bob.id, "k1") is None
        assert await uow.idempotency.get(ada.id, "k2") is None
