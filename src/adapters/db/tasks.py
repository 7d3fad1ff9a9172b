"""The task repository: tasks and the slots their claims hold."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, bindparam, exists, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.accounts import user_from_mapping
from adapters.db.assignments import assignment_from_row
from adapters.db.base import ID, TableRepository
from adapters.db.tables import assignments, memberships, projects, tasks, users
from domain.access import ProjectRole
from domain.assignments import Assignment
from domain.errors import TaskClosed, TaskFull
from domain.tasks import Task
from domain.users import User

_LIVE_BY_SLUG = select(tasks).where(tasks.c.slug == bindparam("slug"), tasks.c.deleted_at.is_(None))
_LIVE_BY_SLUG_LOCKED = _LIVE_BY_SLUG.with_for_update()
# The user's role rides along: a membership counts in a live project only, as `role_in` has it.
_LIVE_BY_SLUG_WITH_ROLE = (
    select(tasks, memberships.c.role.label("member_role"))
    .outerjoin(projects, and_(projects.c.id == tasks.c.project_id, projects.c.deleted_at.is_(None)))
    .outerjoin(
        memberships, and_(memberships.c.project_id == projects.c.id, memberships.c.user_id == bindparam("user_id"))
    )
    .where(tasks.c.slug == bindparam("slug"), tasks.c.deleted_at.is_(None))
)


def _locked_with_assignment(*, holder: bool) -> Select[Any]:
    columns = [c.label(f"t_{c.name}") for c in tasks.c] + [c.label(f"a_{c.name}") for c in assignments.c]
    joined = tasks.join(assignments, assignments.c.task_id == tasks.c.id)
    if holder:
        columns += [c.label(f"u_{c.name}") for c in users.c]
        joined = joined.outerjoin(users, users.c.id == assignments.c.user_id)
    return (
        select(*columns)
        .select_from(joined)
        .where(assignments.c.id == bindparam("assignment_id"))
        .with_for_update(of=[tasks, assignments])  # row locks taken in this order: the task, then the assignment
    )


_LOCKED_WITH_ASSIGNMENT = _locked_with_assignment(holder=False)
_LOCKED_WITH_ASSIGNMENT_AND_HOLDER = _locked_with_assignment(holder=True)
_TAKE_SLOT = (
    update(tasks)
    .where(
        tasks.c.id == bindparam(ID),
        tasks.c.slots_taken < tasks.c.claim_limit,
        tasks.c.is_open.is_(True),
        tasks.c.deleted_at.is_(None),
    )
    .values(slots_taken=tasks.c.slots_taken + 1)
    .returning(tasks.c.slots_taken)
)


class SqlTaskRepository(TableRepository[Task]):
    table = tasks
    entity = Task
    savepoint_on_add = True  # a slug taken meanwhile is retried with another

    def __init__(
        self,
        connection: AsyncConnection,
        on_write: Callable[[], None] | None = None,
        track: Callable[[object], None] | None = None,
        holder_read: Callable[[User], None] | None = None,
    ) -> None:
        super().__init__(connection, on_write, track)
        self._holder_read = holder_read

    async def locked_with_assignment(self, assignment_id: UUID) -> tuple[Task, Assignment] | None:
        """Reads the assignment's holder in the same statement, unlocked, and hands them to `holder_read` (the
        unit of work's users, which then answer for them without a statement of their own: a review needs them)."""
        query = _LOCKED_WITH_ASSIGNMENT if self._holder_read is None else _LOCKED_WITH_ASSIGNMENT_AND_HOLDER
        row = (await self._conn.execute(query, {"assignment_id": assignment_id})).first()
        if row is None:
            return None
        values = row._mapping
        task = Task(**{c.name: values[f"t_{c.name}"] for c in tasks.c})
        assignment = assignment_from_row({c.name: values[f"a_{c.name}"] for c in assignments.c})
        self._track(task)
        self._track(assignment)
        if self._holder_read is not None and values["u_id"] is not None:
            self._holder_read(_prefixed_user(values))
        return task, assignment

    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Task | None:
        return await self.first(_LIVE_BY_SLUG_LOCKED if for_update else _LIVE_BY_SLUG, {"slug": slug})

    async def get_by_slug_with_role(self, slug: str, user_id: UUID) -> tuple[Task, ProjectRole | None] | None:
        return await self.first_with_role(_LIVE_BY_SLUG_WITH_ROLE, {"slug": slug, "user_id": user_id})

    async def of_assignment(self, assignment_id: UUID, *, for_update: bool = False) -> Task | None:
        query = select(tasks).join(assignments, assignments.c.task_id == tasks.c.id)
        query = query.where(assignments.c.id == assignment_id)
        return await self.first(query.with_for_update(of=tasks) if for_update else query)

    async def live_in_project(self, project_id: UUID) -> list[Task]:
        query = select(tasks).where(tasks.c.project_id == project_id, tasks.c.deleted_at.is_(None))
        return await self.all(query.order_by(tasks.c.id).with_for_update())

    async def take_slot(self, task: Task) -> None:
        taken = await self.write(_TAKE_SLOT, {ID: task.id})
        slots = taken.scalar()
        if slots is None:
            current = await self.get(task.id)
            raise TaskClosed() if current is None or not current.is_open or current.is_deleted else TaskFull()
        task.slots_taken = int(slots)

    async def slug_taken(self, slug: str) -> bool:
        query = select(exists().where(tasks.c.slug == slug, tasks.c.deleted_at.is_(None)))
        return bool((await self._conn.execute(query)).scalar())

    async def delete_for_project(self, project_id: UUID, now: datetime) -> int:
        result = await self.write(
            update(tasks).where(tasks.c.project_id == project_id, tasks.c.deleted_at.is_(None)).values(deleted_at=now)
        )
        return int(result.rowcount)


def _prefixed_user(values: Any) -> User:
    return user_from_mapping({c.name: values[f"u_{c.name}"] for c in users.c})
