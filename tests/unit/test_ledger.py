"""The ledger's rules: transfers and accounts in the domain, then budgets and escrows through the use cases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from application.assignments import Review, approve, claim_task, reject, release, submit
from application.budgets import FundProject, fund_project, project_budget
from application.projects import delete_project
from application.tasks import CreateTask, EditTask, create_project_task, delete_task, edit_task
from domain.errors import (
    BudgetExceeded,
    InsufficientPoints,
    InvalidInput,
    PermissionDenied,
    ReviewerCannotEarn,
    TaskNotFound,
)
from domain.ledger import (
    TREASURY,
    Account,
    AccountKind,
    Transfer,
    TransferKind,
    budget_of,
    escrow_needed,
    escrow_of,
    treasury,
    wallet_of,
)
from domain.tasks import Task
from tests.fakes.helpers import balance_of
from tests.unit.test_rewards import World

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def a_transfer(**changes: object) -> Transfer:
    values: dict[str, object] = {
        "debit": TREASURY,
        "credit": wallet_of(uuid4()),
        "amount": 5,
        "kind": TransferKind.ADJUSTMENT,
        "reason": "Bonus",
        "reference": "admin:x",
        "created_at": NOW,
    }
    return Transfer(**{**values, **changes})  # type: ignore[arg-type]


def test_a_transfer_moves_a_positive_amount_between_two_accounts() -> None:
    for amount in (0, -3):
        with pytest.raises(InvalidInput):
            a_transfer(amount=amount)
    with pytest.raises(InvalidInput):
        a_transfer(credit=TREASURY)
    with pytest.raises(ValueError, match="reward"):
        a_transfer(kind=TransferKind.REWARD)
    transfer = a_transfer()
    assert (transfer.points_for(transfer.credit), transfer.points_for(TREASURY)) == (5, -5)


def test_only_the_treasury_pays_more_than_it_holds() -> None:
    short = {
        AccountKind.WALLET: InsufficientPoints,
        AccountKind.BUDGET: BudgetExceeded,
        AccountKind.ESCROW: BudgetExceeded,
    }
    for kind, error in short.items():
        account = Account(budget_of(uuid4()) if kind is AccountKind.BUDGET else escrow_of(uuid4()), 4)
        if kind is AccountKind.WALLET:
            account = Account(wallet_of(uuid4()), 4)
        with pytest.raises(error):
            account.pay(TREASURY, 5, TransferKind.RETURN, NOW, reason="r", reference="x")
        assert account.balance == 4
        account.pay(TREASURY, 4, TransferKind.RETURN, NOW, reason="r", reference="x")
        assert account.balance == 0
    issuer = treasury()
    issuer.pay(wallet_of(uuid4()), 1_000, TransferKind.ADJUSTMENT, NOW, reason="r", reference="x")
    assert issuer.balance == -1_000


def test_account_ids_are_derived_from_kind_and_owner() -> None:
    owner = uuid4()
    keys = [budget_of(owner), escrow_of(owner), wallet_of(owner), TREASURY]
    assert len({key.id for key in keys}) == 4
    assert wallet_of(owner).id == wallet_of(owner).id
    with pytest.raises(ValueError, match="treasury"):
        type(TREASURY)(AccountKind.TREASURY, owner)


def test_an_escrow_needs_points_for_every_slot_an_approval_could_still_draw() -> None:
    task = Task(slug="t", name="T", created_by=uuid4(), created_at=NOW, points=5, claim_limit=4)
    task.slots_taken, task.approved_slots = 3, 1  # one approved, two held, one free
    assert escrow_needed(task) == 5 * 3
    task.is_open = False
    assert escrow_needed(task) == 5 * 2
    task.deleted_at = NOW
    assert escrow_needed(task) == 0


async def test_publishing_beyond_the_budget_is_refused_and_creates_nothing() -> None:
    world = World(points=10, claim_limit=3)
    slug = await world.project(25, world.ada)
    with pytest.raises(BudgetExceeded):
        await create_project_task(slug, world.cmd, world.boss, world.uow, world.clock)
    assert not world.uow.store.tasks
    assert (await project_budget(slug, world.boss, world.uow)).available == 25

    await fund_project(FundProject(slug, 5, "Top up"), world.admin, world.uow, world.clock)
    task = await create_project_task(slug, world.cmd, world.boss, world.uow, world.clock)
    assert balance_of(world.uow, escrow_of(task.id)) == 30
    summary = await project_budget(slug, world.boss, world.uow)
    assert (summary.granted, summary.reserved, summary.spent, summary.available) == (30, 30, 0, 0)


async def test_edits_reserve_the_difference_or_return_it_and_held_slots_keep_their_share() -> None:
    world = World(points=10, claim_limit=2)
    slug = await world.project(100, world.ada, world.bob)
    task = await create_project_task(slug, world.cmd, world.boss, world.uow, world.clock)
    budget, escrow = budget_of(next(iter(world.uow.store.projects))), escrow_of(task.id)

    def held() -> tuple[int, int]:
        return balance_of(world.uow, budget), balance_of(world.uow, escrow)

    assert held() == (80, 20)
    await edit_task(EditTask(task.slug, {"points": 30}), world.boss, world.uow, world.clock)
    assert held() == (40, 60)
    with pytest.raises(BudgetExceeded):
        await edit_task(EditTask(task.slug, {"claim_limit": 4}), world.boss, world.uow, world.clock)
    assert held() == (40, 60)
    assert world.uow.store.tasks[task.id].claim_limit == 2, "a refused raise changes nothing"
    await edit_task(EditTask(task.slug, {"points": 20}), world.boss, world.uow, world.clock)
    assert held() == (60, 40)

    claimed = await claim_task(task.slug, world.ada, world.uow, world.clock)
    await edit_task(EditTask(task.slug, {"is_open": False}), world.boss, world.uow, world.clock)
    assert held() == (80, 20), "closing returns the free slot; the held one keeps its share"
    await submit(claimed.id, "done", world.ada, world.uow, world.clock)
    await approve(Review(claimed.id), world.boss, world.uow, world.clock)
    assert held() == (80, 0)
    assert world.wallet(world.ada) == 20
    await edit_task(EditTask(task.slug, {"is_open": True}), world.boss, world.uow, world.clock)
    assert held() == (60, 20), "reopening reserves the slot left"
    summary = await project_budget(slug, world.admin, world.uow)
    assert (summary.granted, summary.reserved, summary.spent, summary.available) == (100, 20, 20, 60)


async def test_a_slot_ending_on_a_closed_task_returns_its_share() -> None:
    world = World(points=5, claim_limit=3)
    slug = await world.project(15, world.ada, world.bob, world.cy)
    task = await create_project_task(slug, world.cmd, world.boss, world.uow, world.clock)
    first = await claim_task(task.slug, world.ada, world.uow, world.clock)
    second = await claim_task(task.slug, world.bob, world.uow, world.clock)
    await edit_task(EditTask(task.slug, {"is_open": False}), world.boss, world.uow, world.clock)
    assert balance_of(world.uow, escrow_of(task.id)) == 10

    await release(first.id, world.ada, world.uow, world.clock)
    assert balance_of(world.uow, escrow_of(task.id)) == 5
    await submit(second.id, "done", world.bob, world.uow, world.clock)
    await reject(Review(second.id, "Not yet"), world.boss, world.uow, world.clock)
    assert balance_of(world.uow, escrow_of(task.id)) == 0
    assert (await project_budget(slug, world.boss, world.uow)).available == 15


async def test_deleting_returns_the_whole_escrow_and_a_deleted_project_returns_its_budget() -> None:
    world = World(points=5, claim_limit=2)
    slug = await world.project(50, world.ada)
    kept = await create_project_task(slug, world.cmd, world.boss, world.uow, world.clock)
    gone = await create_project_task(slug, CreateTask("Other", points=5), world.boss, world.uow, world.clock)
    await claim_task(kept.slug, world.ada, world.uow, world.clock)
    await delete_task(gone.slug, world.boss, world.uow, world.clock)
    assert (await project_budget(slug, world.boss, world.uow)).available == 40

    await delete_project(slug, world.boss, world.uow, world.clock)
    project_id = next(iter(world.uow.store.projects))
    assert balance_of(world.uow, escrow_of(kept.id)) == 0
    assert balance_of(world.uow, budget_of(project_id)) == 0
    assert balance_of(world.uow, TREASURY) == 0, "every point the project held is back where it was issued"
    with pytest.raises(TaskNotFound):
        await claim_task(kept.slug, world.ada, world.uow, world.clock)


async def test_only_admins_fund_and_take_back_at_most_what_is_not_reserved() -> None:
    world = World(points=10)
    slug = await world.project(30, world.ada)
    await create_project_task(slug, world.cmd, world.boss, world.uow, world.clock)
    for someone in (world.boss, world.ada):
        with pytest.raises(PermissionDenied):
            await fund_project(FundProject(slug, 1_000, "Mine now"), someone, world.uow, world.clock)
    with pytest.raises(BudgetExceeded):
        await fund_project(FundProject(slug, -21, "Too much"), world.admin, world.uow, world.clock)
    for bad in (FundProject(slug, 0, "Nothing"), FundProject(slug, 5, "  ")):
        with pytest.raises(InvalidInput):
            await fund_project(bad, world.admin, world.uow, world.clock)
    summary = await fund_project(FundProject(slug, -20, "Unused"), world.admin, world.uow, world.clock)
    assert (summary.granted, summary.reserved, summary.available) == (10, 10, 0)
    assert balance_of(world.uow, TREASURY) == -10


async def test_the_exploit_earns_nothing_a_manager_can_only_spend_what_an_admin_funded() -> None:
    """Issue 9: a manager publishes a task worth a million on their own project, takes it and waits for the
    auto-approve job. Nothing is minted: publishing needs a funded budget, and reviewers cannot take the work."""
    world = World(points=1_000_000, auto_approve_after=60)
    slug = await world.project(0, world.ada)
    with pytest.raises(BudgetExceeded):
        await create_project_task(slug, world.cmd, world.boss, world.uow, world.clock)
    cheap = await create_project_task(slug, CreateTask("Cheap", points=0), world.boss, world.uow, world.clock)
    with pytest.raises(ReviewerCannotEarn):
        await claim_task(cheap.slug, world.boss, world.uow, world.clock)
    with pytest.raises(BudgetExceeded):
        await edit_task(EditTask(cheap.slug, {"points": 1_000_000}), world.boss, world.uow, world.clock)

    # With an admin's 100 points, a sock puppet can take at most those 100.
    await fund_project(FundProject(slug, 100, "Trial"), world.admin, world.uow, world.clock)
    task = await create_project_task(slug, CreateTask("Paid", points=100), world.boss, world.uow, world.clock)
    puppet = await claim_task(task.slug, world.ada, world.uow, world.clock)
    await submit(puppet.id, "done", world.ada, world.uow, world.clock)
    await approve(Review(puppet.id), world.boss, world.uow, world.clock)
    world.clock.advance(timedelta(minutes=2))
    assert sum(a.balance for a in world.uow.store.accounts.values() if a.key.kind is AccountKind.WALLET) == 100
    assert balance_of(world.uow, TREASURY) == -100
