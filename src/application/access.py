"""Looking things up on behalf of a user: what they may not see is simply not found."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.escrow import settle_escrow
from application.ports.repositories import UnitOfWork
from domain.access import ProjectRole, can_review_task, can_view_task, ensure_can_earn
from domain.assignments import Assignment, AssignmentStatus
from domain.errors import AssignmentNotFound, OwnSubmission, PermissionDenied, TaskNotFound
from domain.events import Withdrawal
from domain.tasks import Task
from domain.users import Role, User


async def role_for(uow: UnitOfWork, user: User, task: Task) -> ProjectRole | None:
    if task.project_id is None:
        return None
    return await uow.memberships.role_in(task.project_id, user.id)


async def task_seen_by(
    uow: UnitOfWork, user: User, slug: str, *, for_update: bool = False
) -> tuple[Task, ProjectRole | None]:
    """The task and the user's role in its project, if the user may see it."""
    if for_update:
        # The lock first, then the role (read after the lock is granted, never before it).
        task = await uow.tasks.get_by_slug(slug, for_update=True)
        found = (task, await role_for(uow, user, task)) if task else None
    else:
        found = await uow.tasks.get_by_slug_with_role(slug, user.id)
    if found is None or not can_view_task(user, found[0], found[1]):
        raise TaskNotFound()
    return found


async def visible_task(uow: UnitOfWork, user: User, slug: str, *, for_update: bool = False) -> Task:
    return (await task_seen_by(uow, user, slug, for_update=for_update))[0]


async def ensure_may_earn(uow: UnitOfWork, user_id: UUID, task: Task) -> None:
    """Refuses (`ReviewerCannotEarn`) when the holder of work on the task is one of its reviewers now."""
    holder = await uow.users.get(user_id)
    if holder is not None:
        ensure_can_earn(holder, task, await role_for(uow, holder, task))


async def reviewable_task(uow: UnitOfWork, user: User, slug: str, *, for_update: bool = False) -> Task:
    """A task the user reviews; seen but not reviewed is 403, not seen is 404."""
    task, role = await task_seen_by(uow, user, slug, for_update=for_update)
    if not can_review_task(user, task, role):
        raise PermissionDenied("Only a reviewer of this task may do this.")
    return task


async def may_review_something(uow: UnitOfWork, user: User) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER) or await uow.memberships.manages_any(user.id)


async def ensure_may_review_something(uow: UnitOfWork, user: User) -> None:
    if not await may_review_something(uow, user):
        raise PermissionDenied("Only admins and project managers review work.")


def ensure_admin(user: User) -> None:
    if not user.is_admin:
        raise PermissionDenied("Only admins may do this.")


async def locked_assignment(uow: UnitOfWork, assignment_id: UUID) -> tuple[Assignment, Task] | None:
    """The assignment and its task, locked task first and assignment second, as every writer locks them."""
    locked = await uow.tasks.locked_with_assignment(assignment_id)
    return None if locked is None else (locked[1], locked[0])


async def withdraw_open_claims(
    uow: UnitOfWork, claims: list[Assignment], why: Withdrawal, now: datetime, *, settle: bool = True
) -> int:
    """Gives back the slots of in-progress work that can no longer be finished; each member is told why.

    Every task is locked before any escrow is settled, so the budgets and the treasury are locked last
    (`settle=False`: the caller settles, after locking more tasks).
    """
    touched: dict[UUID, Task] = {}  # the latest state of each task, read again under its lock each time
    withdrawn = 0
    for held in claims:
        locked = await locked_assignment(uow, held.id)
        if locked is None or locked[0].status is not AssignmentStatus.IN_PROGRESS:
            continue
        assignment, task = locked
        task.withdraw(assignment, why, now)
        await uow.assignments.update(assignment)
        await uow.tasks.update(task)
        touched[task.id] = task
        withdrawn += 1
    for task in touched.values() if settle else ():
        await settle_escrow(uow, task, now)
    return withdrawn


async def own_assignment(uow: UnitOfWork, user: User, assignment_id: UUID) -> tuple[Assignment, Task]:
    """The user's own assignment with its task locked, in the lock order task -> assignment."""
    locked = await locked_assignment(uow, assignment_id)
    if locked is None or locked[0].user_id != user.id or locked[1].is_deleted:
        raise AssignmentNotFound()
    return locked


async def reviewed_assignment(uow: UnitOfWork, user: User, assignment_id: UUID) -> tuple[Assignment, Task]:
    """An assignment the user may review, locked; their own is refused, others' unseen are not found."""
    await ensure_may_review_something(uow, user)
    locked = await locked_assignment(uow, assignment_id)
    if locked is None or locked[1].is_deleted:
        raise AssignmentNotFound()
    assignment, task = locked
    role = await role_for(uow, user, task)
    if not can_review_task(user, task, role):
        if assignment.user_id == user.id:
            raise PermissionDenied("Only a reviewer of this task may do this.")
        raise AssignmentNotFound()
    if assignment.user_id == user.id:
        raise OwnSubmission()
    return assignment, task
