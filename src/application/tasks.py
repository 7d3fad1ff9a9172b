"""Task use cases: publish, read, edit, delete, and attach an image."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from application.access import ensure_admin, release_open_claims, reviewable_task, visible_task
from application.ports.clock import Clock
from application.ports.media import ImageProcessor, MediaStorage
from application.ports.repositories import UnitOfWorkFactory
from application.projects import managed_project
from application.slugging import add_under_free_slug, free_slug
from domain.audit import AuditEntry
from domain.errors import InvalidInput
from domain.tasks import Task
from domain.users import User

EDITABLE = frozenset(
    {"name", "description", "points", "claim_limit", "due_date", "claim_duration", "auto_approve_after", "is_open"}
)


@dataclass(frozen=True)
class CreateTask:
    name: str
    description: str = ""
    points: int = 0
    claim_limit: int = 1
    due_date: date | None = None
    claim_duration: timedelta | None = None
    auto_approve_after: timedelta | None = None
    project_id: UUID | None = None


@dataclass(frozen=True)
class EditTask:
    slug: str
    changes: dict[str, Any] = field(default_factory=dict)


async def create_public_task(cmd: CreateTask, user: User, uow: UnitOfWorkFactory, clock: Clock) -> Task:
    ensure_admin(user)
    return await _create(cmd, None, user, uow, clock)


async def create_project_task(
    project_slug: str, cmd: CreateTask, user: User, uow: UnitOfWorkFactory, clock: Clock
) -> Task:
    async with uow() as work:
        project = await managed_project(work, user, project_slug)
    return await _create(cmd, project.id, user, uow, clock)


async def _create(cmd: CreateTask, project_id: UUID | None, user: User, uow: UnitOfWorkFactory, clock: Clock) -> Task:
    async with uow() as work:
        task = Task(
            project_id=project_id,
            slug=await free_slug(cmd.name, work.tasks.slug_taken),
            name=cmd.name.strip(),
            description=cmd.description.strip(),
            points=cmd.points,
            claim_limit=cmd.claim_limit,
            due_date=cmd.due_date,
            claim_duration=cmd.claim_duration,
            auto_approve_after=cmd.auto_approve_after,
            created_by=user.id,
            created_at=clock.now(),
        )
        await add_under_free_slug(work.tasks.add, task, cmd.name)
        await work.commit()
    return task


async def get_task(slug: str, user: User, uow: UnitOfWorkFactory) -> Task:
    async with uow() as work:
        return await visible_task(work, user, slug)


async def edit_task(cmd: EditTask, user: User, uow: UnitOfWorkFactory, clock: Clock) -> Task:
    unknown = set(cmd.changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"Not editable: {', '.join(sorted(unknown))}.")
    async with uow() as work:
        task = await reviewable_task(work, user, cmd.slug, for_update=True)
        task.edit(**cmd.changes)
        await work.tasks.update(task)
        await work.audit.add(AuditEntry("task.edited", clock.now(), user.id, task.slug, ",".join(sorted(cmd.changes))))
        await work.commit()
    return task


async def delete_task(slug: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> None:
    async with uow() as work:
        task = await reviewable_task(work, user, slug, for_update=True)
        claims = await work.assignments.open_claims(task_id=task.id)
        await release_open_claims(work, claims, clock.now(), "the task was deleted.")
        task = await work.tasks.get(task.id, for_update=True) or task  # read again: the slots just changed
        task.delete(clock.now())
        await work.tasks.update(task)
        await work.audit.add(AuditEntry("task.deleted", clock.now(), user.id, task.slug))
        await work.commit()


async def set_task_image(
    slug: str, data: bytes, user: User, uow: UnitOfWorkFactory, images: ImageProcessor, media: MediaStorage
) -> Task:
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
        await work.commit()
    for path in old:
        await media.delete(path)
    return task
