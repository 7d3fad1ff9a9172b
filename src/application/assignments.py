"""Assignment use cases: claim, assign, submit, release, and the review that approves or rejects."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.access import own_assignment, reviewable_task, reviewed_assignment, visible_task
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWork, UnitOfWorkFactory
from application.rewards import credit_approval
from domain.access import can_review_task, can_view_task
from domain.assignments import Assignment, AssignmentStatus, Origin
from domain.audit import AuditEntry
from domain.errors import ActiveClaimHeld, AlreadyClaimed, AssignmentNotFound, TaskClosed, UserNotFound, WrongState
from domain.notifications import Notification, NotificationKind
from domain.outbox import OutboxMessage, OutgoingEmail
from domain.tasks import Task
from domain.users import User


@dataclass(frozen=True)
class Review:
    assignment_id: UUID
    feedback: str = ""


async def _notify_reviewers(uow: UnitOfWork, task: Task, assignment: Assignment) -> None:
    for reviewer_id in await uow.memberships.reviewer_ids(task.project_id):
        if reviewer_id != assignment.user_id:
            await uow.notifications.add(
                Notification(
                    reviewer_id,
                    NotificationKind.SUBMISSION_WAITING,
                    f"A submission for “{task.name}” is waiting for review.",
                    "/review/",
                    assignment.submitted_at or assignment.claimed_at,
                )
            )


async def _ensure_project_accepts_work(uow: UnitOfWork, task: Task) -> None:
    if task.project_id is not None:
        project = await uow.projects.get(task.project_id)
        if project is None or not project.accepts_work:
            raise TaskClosed("The task's project is completed or gone.")


async def claim_task(slug: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> Assignment:
    async with uow() as work:
        # Read without a lock: the conditional UPDATE of take_slot is the guard when claims race.
        task = await visible_task(work, user, slug)
        await _ensure_project_accepts_work(work, task)
        if await work.assignments.find(task.id, user.id) is not None:
            raise AlreadyClaimed()
        if await work.assignments.active_claim_of(user.id) is not None:
            raise ActiveClaimHeld()
        assignment = task.start_assignment(user.id, Origin.CLAIMED, clock.now())
        await work.tasks.take_slot(task)
        await work.assignments.add(assignment)
        await work.commit()
    return assignment


async def assign_task(slug: str, assignee_id: UUID, reviewer: User, uow: UnitOfWorkFactory, clock: Clock) -> Assignment:
    """A reviewer hands the task to someone who can see it; this does not count as their own claim."""
    now = clock.now()
    async with uow() as work:
        task = await reviewable_task(work, reviewer, slug, for_update=True)
        await _ensure_project_accepts_work(work, task)
        assignee = await work.users.get(assignee_id)
        role = await work.memberships.role_in(task.project_id, assignee_id) if assignee and task.project_id else None
        if assignee is None or not assignee.is_active or not can_view_task(assignee, task, role):
            raise UserNotFound("No such user can see this task.", field="user_id")
        if await work.assignments.find(task.id, assignee_id) is not None:
            raise AlreadyClaimed("This user already has (or had) an assignment for this task.")
        assignment = task.start_assignment(assignee_id, Origin.ASSIGNED, now, assigned_by=reviewer.id)
        await work.tasks.take_slot(task)
        await work.assignments.add(assignment)
        text = f"You were assigned “{task.name}”."
        await work.notifications.add(
            Notification(assignee_id, NotificationKind.ASSIGNED, text, f"/tasks/{task.slug}/", now)
        )
        context = {
            "full_name": assignee.full_name,
            "task_name": task.name,
            "link": f"/tasks/{task.slug}/",
            "due_date": task.due_date.isoformat() if task.due_date else "",
            "assigned_by": reviewer.full_name,
        }
        await work.outbox.add(OutboxMessage.email(OutgoingEmail(assignee.email, "assigned", context), now))
        await work.commit()
    return assignment


async def get_assignment(assignment_id: UUID, user: User, uow: UnitOfWorkFactory) -> Assignment:
    async with uow() as work:
        assignment = await work.assignments.get(assignment_id)
        if assignment is None:
            raise AssignmentNotFound()
        if assignment.user_id == user.id:
            return assignment
        task = await work.tasks.get(assignment.task_id)
        if task is None:
            raise AssignmentNotFound()
        role = await work.memberships.role_in(task.project_id, user.id) if task.project_id else None
        if not can_review_task(user, task, role):
            raise AssignmentNotFound()
        return assignment


async def submit(assignment_id: UUID, note: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> Assignment:
    async with uow() as work:
        assignment, task = await own_assignment(work, user, assignment_id)
        if assignment.expires_at is not None and clock.now() >= assignment.expires_at:
            raise WrongState("The claim ran out before it was submitted.")
        assignment.submit(note, clock.now(), task.auto_approve_after)
        await work.assignments.update(assignment)
        await _notify_reviewers(work, task, assignment)
        await work.commit()
    return assignment


async def release(assignment_id: UUID, user: User, uow: UnitOfWorkFactory, clock: Clock) -> Assignment:
    async with uow() as work:
        assignment, task = await own_assignment(work, user, assignment_id)
        assignment.release(clock.now())
        task.give_back_slot()
        await work.assignments.update(assignment)
        await work.tasks.update(task)
        await work.commit()
    return assignment


async def approve(cmd: Review, reviewer: User, uow: UnitOfWorkFactory, clock: Clock) -> Assignment:
    """Approves a submission, or overturns a rejection of the last 30 days; either way credits once."""
    now = clock.now()
    async with uow() as work:
        assignment, task = await reviewed_assignment(work, reviewer, cmd.assignment_id)
        if assignment.status is AssignmentStatus.REJECTED:
            assignment.overturn(reviewer.id, cmd.feedback, now)
            task.take_slot()
            await work.tasks.take_slot(task)
        else:
            assignment.approve(reviewer.id, cmd.feedback, now)
        await work.assignments.update(assignment)
        await credit_approval(work, assignment, task, now)
        await work.audit.add(AuditEntry("assignment.approved", now, reviewer.id, str(assignment.id)))
        await work.commit()
    return assignment


async def reject(cmd: Review, reviewer: User, uow: UnitOfWorkFactory, clock: Clock) -> Assignment:
    now = clock.now()
    async with uow() as work:
        assignment, task = await reviewed_assignment(work, reviewer, cmd.assignment_id)
        assignment.reject(reviewer.id, cmd.feedback, now)
        task.give_back_slot()
        await work.assignments.update(assignment)
        await work.tasks.update(task)
        await work.notifications.add(
            Notification(
                assignment.user_id,
                NotificationKind.CLAIM_REJECTED,
                f"Your work on “{task.name}” was rejected: {assignment.feedback}"[:500],
                f"/tasks/{task.slug}/",
                now,
            )
        )
        member = await work.users.get(assignment.user_id)
        if member is not None:
            context = {
                "full_name": member.full_name,
                "task_name": task.name,
                "feedback": assignment.feedback,
                "link": f"/tasks/{task.slug}/",
            }
            await work.outbox.add(OutboxMessage.email(OutgoingEmail(member.email, "rejected", context), now))
        await work.audit.add(AuditEntry("assignment.rejected", now, reviewer.id, str(assignment.id)))
        await work.commit()
    return assignment
