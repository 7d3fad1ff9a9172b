"""Task use cases: publish, read, edit, delete, and attach an image."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from application.access import ensure_admin, reviewable_task, visible_task, withdraw_open_claims
from application.escrow import settle_escrow
from application.ports.clock import Clock
from application.ports.media import ImageProcessor, MediaStorage
from application.ports.repositories import UnitOfWork, UnitOfWorkFactory
from application.projects import managed_project
from application.slugging import add_under_free_slug, free_slug
from application.views import TaskView
from domain.events import Withdrawal
from domain.ledger import Account, escrow_of
from domain.projects import Project
from domain.tasks import Task
from domain.users import User


@dataclass(frozen=True)
class CreateTask:
    name: str
    description: str = ""
    points: int = 0
    claim_limit: int = 1
    due_date: date | None = None
    claim_duration_seconds: int | None = None
    auto_approve_after_seconds: int | None = None


@dataclass(frozen=True)
class EditTask:
    slug: str
    changes: dict[str, Any] = field(default_factory=dict)


async def create_public_task(cmd: CreateTask, user: User, uow: UnitOfWorkFactory, clock: Clock) -> TaskView:
    """An admin publishes on the public board: its points are reserved from the treasury."""
    ensure_admin(user)
    async with uow() as work:
        task = await _add(work, cmd, None, user, clock)
        await work.commit()
    return _view_of(task, None, clock)


async def create_project_task(
    project_slug: str, cmd: CreateTask, user: User, uow: UnitOfWorkFactory, clock: Clock
) -> TaskView:
    """Publishing reserves points x claim limit from the project's budget: `BudgetExceeded` when it cannot."""
    async with uow() as work:
        project = await managed_project(work, user, project_slug)
        task = await _add(work, cmd, project, user, clock)
        await work.commit()
    return _view_of(task, project, clock)


def _view_of(task: Task, project: Project | None, clock: Clock) -> TaskView:
    overdue = task.is_overdue_on(clock.today(), project.accepts_work if project else True)
    return TaskView.of(task, project.slug if project else None, overdue)


async def task_view(work: UnitOfWork, task: Task, clock: Clock) -> TaskView:
    """The task as it reads now, inside the caller's transaction: its project's slug and whether it is overdue."""
    project = await work.projects.get(task.project_id) if task.project_id else None
    return _view_of(task, project, clock)


async def _add(work: UnitOfWork, cmd: CreateTask, project: Project | None, user: User, clock: Clock) -> Task:
    task = Task(
        project_id=project.id if project else None,
        slug=await free_slug(cmd.name, work.tasks.slug_taken),
        name=cmd.name.strip(),
        description=cmd.description.strip(),
        points=cmd.points,
        claim_limit=cmd.claim_limit,
        due_date=cmd.due_date,
        claim_duration_seconds=cmd.claim_duration_seconds,
        auto_approve_after_seconds=cmd.auto_approve_after_seconds,
        created_by=user.id,
        created_at=clock.now(),
    )
    await add_under_free_slug(work.tasks.add, task, cmd.name)
    await settle_escrow(work, task, task.created_at, user.id, escrow=Account(escrow_of(task.id)))  # a new one: empty
    return task


async def get_task(slug: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> TaskView:
    async with uow() as work:
        return await task_view(work, await visible_task(work, user, slug), clock)


async def edit_task(cmd: EditTask, user: User, uow: UnitOfWorkFactory, clock: Clock) -> TaskView:
    """New points, limit or open state move the escrow: raising more than the budget holds changes nothing."""
    now = clock.now()
    async with uow() as work:
        task = await reviewable_task(work, user, cmd.slug, for_update=True)
        task.edit(cmd.changes, user.id, now)
        await work.tasks.update(task)
        await settle_escrow(work, task, now, user.id)
        view = await task_view(work, task, clock)
        await work.commit()
    return view


async def delete_task(slug: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> None:
    """Its open claims are withdrawn and its whole escrow returns: a deleted task's work cannot be approved."""
    now = clock.now()
    async with uow() as work:
        task = await reviewable_task(work, user, slug, for_update=True)
        claims = await work.assignments.open_claims(task_id=task.id)
        await withdraw_open_claims(work, claims, Withdrawal.TASK_DELETED, now, settle=False)
        task = await work.tasks.get(task.id, for_update=True) or task  # read again: the slots just changed
        task.delete(user.id, now)
        await work.tasks.update(task)
        await settle_escrow(work, task, now, user.id)
        await work.commit()


async def set_task_image(
    slug: str,
    data: bytes,
    user: User,
    uow: UnitOfWorkFactory,
    images: ImageProcessor,
    media: MediaStorage,
    clock: Clock,
) -> TaskView:
    """Checks and re-encodes the upload before anything is stored; the old files are removed after."""
    async with uow() as work:
        await reviewable_task(work, user, slug)
    processed = await images.process(data)
    async with uow() as work:
        task = await reviewable_task(work, user, slug, for_update=True)
        old = [p for p in (task.image_path, task.thumbnail_path) if p]
        task.image_path = await media.save(f"tasks/{task.id}", processed.extension, processed.image)
        task.thumbnail_path = await media.save(f"tasks/{task.id}", processed.extension, processed.thumbnail)
        await work.tasks.update(task)
        view = await task_view(work, task, clock)
        await work.commit()
    for path in old:
        await media.delete(path)
    return view
