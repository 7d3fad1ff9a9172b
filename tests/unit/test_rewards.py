"""Reviews, rewards and redemptions by example: who may earn, what overturning keeps, what a retry answers."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from application.assignments import Review, approve, assign_task, claim_task, get_assignment, reject, submit
from application.projects import CreateProject, create_project
from application.scheduled import auto_approve, auto_approve_one
from application.tasks import CreateTask, create_project_task, create_public_task
from application.wallet import Redeem, adjust_wallet, redeem
from domain.access import ProjectRole
from domain.assignments import OVERTURN_WINDOW, AssignmentStatus
from domain.errors import (
    AlreadyClaimed,
    IdempotencyKeyReused,
    InvalidInput,
    OwnSubmission,
    ReviewerCannotEarn,
    TaskFull,
    WrongState,
)
from domain.ledger import TransferKind, wallet_of
from domain.users import User
from tests.fakes.helpers import balance_of, fund
from tests.fakes.services import FakeClock
from tests.fakes.store import FakeUnitOfWorkFactory
from tests.unit.reward_model import ADMIN, MANAGER, seed_users

S = AssignmentStatus


class World:
    """An admin, three members and a manager; the public board, and a project when asked."""

    def __init__(self, points: int = 10, claim_limit: int = 1, auto_approve_after: int | None = None) -> None:
        self.clock = FakeClock()
        self.uow = FakeUnitOfWorkFactory()
        people = seed_users(self.uow, self.clock.now())
        self.admin, self.ada, self.bob, self.cy, self.boss = people[ADMIN], *people[1:4], people[MANAGER]
        self.cmd = CreateTask(
            "Write docs", points=points, claim_limit=claim_limit, auto_approve_after_seconds=auto_approve_after
        )

    def wallet(self, user: User) -> int:
        return balance_of(self.uow, wallet_of(user.id))

    async def submitted_by(self, user: User) -> tuple[str, UUID]:
        task = await create_public_task(self.cmd, self.admin, self.uow, self.clock)
        assignment = await claim_task(task.slug, user, self.uow, self.clock)
        await submit(assignment.id, "done", user, self.uow, self.clock)
        return task.slug, assignment.id

    async def rejected(self, user: User) -> tuple[str, UUID]:
        slug, assignment_id = await self.submitted_by(user)
        await reject(Review(assignment_id, "Missing tests"), self.admin, self.uow, self.clock)
        return slug, assignment_id

    async def project(self, budget: int, *members: User) -> str:
        project = await create_project(CreateProject("Site"), self.boss, self.uow, self.clock)
        for member in members:
            self.uow.store.memberships[(project.id, member.id)] = ProjectRole.MEMBER
        if budget:
            await fund(self.uow, self.clock, self.admin, project.slug, budget)
        return project.slug


async def test_reviewers_cannot_claim_or_be_assigned_what_they_review() -> None:
    world = World()
    task = await create_public_task(world.cmd, world.admin, world.uow, world.clock)
    with pytest.raises(ReviewerCannotEarn):
        await claim_task(task.slug, world.admin, world.uow, world.clock)
    project = await world.project(100, world.ada)
    mine = await create_project_task(project, world.cmd, world.boss, world.uow, world.clock)
    with pytest.raises(ReviewerCannotEarn):
        await claim_task(mine.slug, world.boss, world.uow, world.clock)
    for assignee in (world.boss, world.admin):
        with pytest.raises(ReviewerCannotEarn):
            await assign_task(mine.slug, assignee.id, world.boss, world.uow, world.clock)

    # A manager is not a reviewer of the public board: they may earn there, like anyone.
    assert (await claim_task(task.slug, world.boss, world.uow, world.clock)).status is S.IN_PROGRESS
    assert (await assign_task(mine.slug, world.ada.id, world.boss, world.uow, world.clock)).status is S.IN_PROGRESS


async def test_work_held_by_someone_who_became_its_reviewer_is_never_approved_but_may_be_rejected() -> None:
    world = World(points=6, auto_approve_after=3600)
    slug = await world.project(100, world.ada, world.bob)
    task = await create_project_task(slug, world.cmd, world.boss, world.uow, world.clock)
    claimed = await claim_task(task.slug, world.ada, world.uow, world.clock)
    await submit(claimed.id, "done", world.ada, world.uow, world.clock)
    project_id = next(iter(world.uow.store.projects))
    world.uow.store.memberships[(project_id, world.ada.id)] = ProjectRole.MANAGER  # promoted meanwhile
    world.clock.advance(timedelta(hours=2))

    with pytest.raises(OwnSubmission):
        await approve(Review(claimed.id), world.ada, world.uow, world.clock)
    with pytest.raises(ReviewerCannotEarn):
        await approve(Review(claimed.id), world.boss, world.uow, world.clock)
    assert await auto_approve(world.uow, world.clock) == 0
    held = world.uow.store.assignments[claimed.id]
    assert (held.status, held.auto_approve_at) == (S.SUBMITTED, None), "left for a person, not retried every minute"
    audit = [e for e in world.uow.store.audit.values() if e.action == "assignment.auto_approval_withheld"]
    assert [e.subject for e in audit] == [str(claimed.id)]
    assert world.wallet(world.ada) == 0
    assert not [t for t in world.uow.store.transfers.values() if t.kind is TransferKind.REWARD]

    await reject(Review(claimed.id, "Reviewers do not earn here"), world.boss, world.uow, world.clock)
    assert world.uow.store.assignments[claimed.id].status is S.REJECTED


@pytest.mark.parametrize("feedback", ["", "   \n"])
async def test_reject_without_feedback_fails(feedback: str) -> None:
    world = World()
    _, assignment_id = await world.submitted_by(world.ada)

    with pytest.raises(InvalidInput):
        await reject(Review(assignment_id, feedback), world.admin, world.uow, world.clock)

    assert world.uow.store.assignments[assignment_id].status is S.SUBMITTED


async def test_a_rejection_can_be_overturned_for_30_days_pays_once_and_stays_in_the_history() -> None:
    world = World(points=7)
    _, assignment_id = await world.rejected(world.ada)
    rejected_at = world.clock.now()
    world.clock.advance(OVERTURN_WINDOW)

    await approve(Review(assignment_id, "Fine after all"), world.admin, world.uow, world.clock)

    assert world.uow.store.assignments[assignment_id].status is S.APPROVED
    assert world.wallet(world.ada) == 7
    with pytest.raises(WrongState):
        await approve(Review(assignment_id), world.admin, world.uow, world.clock)
    detail = await get_assignment(assignment_id, world.ada, world.uow)
    assert [(h.status, h.by, h.at, h.feedback) for h in detail.history] == [
        (S.REJECTED, world.admin.id, rejected_at, "Missing tests"),
        (S.APPROVED, world.admin.id, world.clock.now(), "Fine after all"),
    ]
    assert detail.feedback == "Fine after all"


async def test_overturn_after_30_days_fails() -> None:
    world = World()
    _, assignment_id = await world.rejected(world.ada)
    world.clock.advance(OVERTURN_WINDOW + timedelta(seconds=1))

    with pytest.raises(WrongState):
        await approve(Review(assignment_id), world.admin, world.uow, world.clock)

    assert world.uow.store.assignments[assignment_id].status is S.REJECTED
    assert world.wallet(world.ada) == 0


async def test_overturning_needs_the_slot_the_rejection_gave_back() -> None:
    world = World()
    slug, assignment_id = await world.rejected(world.ada)
    await claim_task(slug, world.bob, world.uow, world.clock)

    with pytest.raises(TaskFull):
        await approve(Review(assignment_id), world.admin, world.uow, world.clock)

    assert world.uow.store.assignments[assignment_id].status is S.REJECTED
    assert world.wallet(world.ada) == 0


async def test_a_rejected_member_cannot_claim_that_task_again() -> None:
    world = World(claim_limit=2)
    slug, _ = await world.rejected(world.ada)

    with pytest.raises(AlreadyClaimed):
        await claim_task(slug, world.ada, world.uow, world.clock)
    assert (await claim_task(slug, world.bob, world.uow, world.clock)).status is S.IN_PROGRESS


async def test_a_retried_redemption_gets_the_first_answer_and_a_changed_one_is_refused() -> None:
    world = World()
    await adjust_wallet(world.ada.id, 30, "Welcome", world.admin, world.uow, world.clock)
    first, made = await redeem(Redeem(10, "Coffee", "key-1"), world.ada, world.uow, world.clock)
    await adjust_wallet(world.ada.id, 5, "Bonus", world.admin, world.uow, world.clock)

    again, made_again = await redeem(Redeem(10, "Coffee", " key-1 "), world.ada, world.uow, world.clock)
    with pytest.raises(IdempotencyKeyReused):
        await redeem(Redeem(10, "Tea", "key-1"), world.ada, world.uow, world.clock)

    assert (made, made_again) == (True, False)
    assert (again.entry, again.balance) == (first.entry, 20)
    assert (first.entry.kind, first.entry.points) == (TransferKind.REDEMPTION, -10)
    assert world.wallet(world.ada) == 25


async def test_auto_approval_pays_once_and_early_or_repeated_jobs_do_nothing() -> None:
    world = World(points=4, auto_approve_after=2 * 24 * 3600)
    _, assignment_id = await world.submitted_by(world.ada)
    uow, clock = world.uow, world.clock

    world.clock.advance(timedelta(days=2) - timedelta(seconds=1))
    assert (await auto_approve(uow, clock), await auto_approve_one(assignment_id, uow, clock)) == (0, 0)
    world.clock.advance(timedelta(seconds=1))
    runs = (
        await auto_approve(uow, clock),
        await auto_approve(uow, clock),
        await auto_approve_one(assignment_id, uow, clock),
    )
    assert runs == (1, 0, 0)

    approved = world.uow.store.assignments[assignment_id]
    assert (approved.status, approved.reviewer_id) == (S.APPROVED, None)
    assert world.wallet(world.ada) == 4
    detail = await get_assignment(assignment_id, world.ada, world.uow)
    assert [(h.status, h.by) for h in detail.history] == [(S.APPROVED, None)]
