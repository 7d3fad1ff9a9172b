"""Assignment use cases: claim, assign, submit, release, and the review that approves or rejects."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.access import (
    ensure_may_earn,
    own_assignment,
    reviewable_task,
    reviewed_assignment,
    task_seen_by,
)
from application.escrow import pay_approval, settle_escrow
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWork, UnitOfWorkFactory
from application.views import AssignmentDetail, AssignmentView
from domain.access import can_review_task, can_view_task, ensure_can_earn
from domain.errors import ActiveClaimHeld, AlreadyClaimed, AssignmentNotFound, TaskClosed, UserNotFound
from domain.tasks import Task
from domain.users import User


@dataclass(frozen=True)
class Review:
    assignment_id: UUID
    feedback: str = ""


async def _ensure_project_accepts_work(uow: UnitOfWork, task: Task) -> None:
    if task.project_id is not None:
        project = await uow.projects.get(task.project_id)
        if project is None or not project.accepts_work:
            raise TaskClosed("The task's project is completed or gone.")


async def claim_task(slug: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> AssignmentView:
    async with uow() as work:
        # Read without a lock: the conditional UPDATE of take_slot is the guard when claims race.
        task, role = await task_seen_by(work, user, slug)
        ensure_can_earn(user, task, role)
        await _ensure_project_accepts_work(work, task)
        in_the_way = await work.assignments.claims_in_the_way(task.id, user.id)
        if any(a.task_id == task.id for a in in_the_way):
            raise AlreadyClaimed()
        if in_the_way:
            raise ActiveClaimHeld()
        assignment = task.claim(user.id, clock.now())
        await work.tasks.take_slot(task)
        await work.assignments.add(assignment)
        await work.commit()
    return AssignmentView.of(assignment, task.slug)


async def assign_task(
    slug: str, assignee_id: UUID, reviewer: User, uow: UnitOfWorkFactory, clock: Clock
) -> AssignmentView:
    """A reviewer hands the task to someone who can see it; this does not count as their own claim."""
    async with uow() as work:
        task = await reviewable_task(work, reviewer, slug, for_update=True)
        await _ensure_project_accepts_work(work, task)
        assignee = await work.users.get(assignee_id)
        role = await work.memberships.role_in(task.project_id, assignee_id) if assignee and task.project_id else None
        if assignee is None or not assignee.is_active or not can_view_task(assignee, task, role):
            raise UserNotFound("No such user can see this task.", field="user_id")
        ensure_can_earn(assignee, task, role)
        if await work.assignments.find(task.id, assignee_id) is not None:
            raise AlreadyClaimed("This user already has (or had) an assignment for this task.")
        assignment = task.assign(assignee_id, reviewer.id, clock.now())
        await work.tasks.take_slot(task)
        await work.assignments.add(assignment)
        await work.commit()
    return AssignmentView.of(assignment, task.slug)


async def get_assignment(assignment_id: UUID, user: User, uow: UnitOfWorkFactory) -> AssignmentDetail:
    """One's own assignment, or one the user reviews, with its reviews; anything else is not found."""
    async with uow() as work:
        assignment = await work.assignments.get(assignment_id)
        task = await work.tasks.get(assignment.task_id) if assignment else None
        if assignment is None or task is None:
            raise AssignmentNotFound()
        if assignment.user_id != user.id:
            role = await work.memberships.role_in(task.project_id, user.id) if task.project_id else None
            if not can_review_task(user, task, role):
                raise AssignmentNotFound()
        return AssignmentDetail.of(assignment, task.slug, await work.reviews.of(assignment.id), task.name)


async def submit(assignment_id: UUID, note: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> AssignmentView:
    async with uow() as work:
        assignment, task = await own_assignment(work, user, assignment_id)
        task.submit(assignment, note, clock.now())
        await work.assignments.update(assignment)
        await work.commit()
    return AssignmentView.of(assignment, task.slug)


async def release(assignment_id: UUID, user: User, uow: UnitOfWorkFactory, clock: Clock) -> AssignmentView:
    now = clock.now()
    async with uow() as work:
        assignment, task = await own_assignment(work, user, assignment_id)
        task.release(assignment, now)
        await work.assignments.update(assignment)
        await work.tasks.update(task)
        await settle_escrow(work, task, now)
        await work.commit()
    return AssignmentView.of(assignment, task.slug)


async def approve(cmd: Review, reviewer: User, uow: UnitOfWorkFactory, clock: Clock) -> AssignmentView:
    """Approves a submission, or overturns a rejection of the last 30 days; either way pays once, from the
    task's escrow. Work held by one of the task's reviewers is not approved (`ReviewerCannotEarn`)."""
    now = clock.now()
    async with uow() as work:
        assignment, task = await reviewed_assignment(work, reviewer, cmd.assignment_id)
        await ensure_may_earn(work, assignment.user_id, task)
        if task.approve(assignment, reviewer.id, cmd.feedback, now):
            await work.tasks.take_slot(task)
        await work.tasks.update(task)
        await work.assignments.update(assignment)
        await pay_approval(work, assignment, task, now)
        await work.commit()
    return AssignmentView.of(assignment, task.slug)


async def reject(cmd: Review, reviewer: User, uow: UnitOfWorkFactory, clock: Clock) -> AssignmentView:
    now = clock.now()
    async with uow() as work:
        assignment, task = await reviewed_assignment(work, reviewer, cmd.assignment_id)
        task.reject(assignment, reviewer.id, cmd.feedback, now)
        await work.assignments.update(assignment)
        await work.tasks.update(task)
        await work.reviews.add(assignment.last_review(0))
        await settle_escrow(work, task, now)
        await work.commit()
    return AssignmentView.of(assignment, task.slug)
