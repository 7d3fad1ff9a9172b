"""What the read models share: a connection per query outside any unit of work, LIKE patterns, the task and
assignment rows."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.assignments import assignment_from_row
from adapters.db.tables import assignments, projects, tasks, users
from application.views import AssignmentView, TaskView
from domain.tasks import Task


def like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Reader:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def rows(self, query: Any) -> list[Any]:
        async with self._engine.connect() as conn:
            return list((await conn.execute(query)).all())


def project_overdue(today: date) -> ColumnElement[bool]:
    """As `Project.is_overdue_on`, for a row of `projects`."""
    return and_(
        projects.c.due_date.is_not(None),
        projects.c.due_date < today,
        projects.c.deleted_at.is_(None),
        projects.c.status != "completed",
    )


def task_overdue(today: date) -> ColumnElement[bool]:
    """As `Task.is_overdue_on`, for a row of `tasks`: live, due before today, a slot not yet approved, and not
    in a completed (or deleted) project."""
    home = projects.alias("home")
    project_open = exists().where(
        home.c.id == tasks.c.project_id, home.c.deleted_at.is_(None), home.c.status != "completed"
    )
    return and_(
        tasks.c.due_date.is_not(None),
        tasks.c.due_date < today,
        tasks.c.deleted_at.is_(None),
        tasks.c.approved_slots < tasks.c.claim_limit,
        or_(tasks.c.project_id.is_(None), project_open),
    )


def task_select(today: date) -> Select[Any]:
    joined = tasks.outerjoin(projects, projects.c.id == tasks.c.project_id)
    return select(
        tasks, projects.c.slug.label("project_slug"), task_overdue(today).label("task_is_overdue")
    ).select_from(joined)


def task_view(row: Row[Any]) -> TaskView:
    values = dict(row._mapping)
    project, overdue = values.pop("project_slug"), values.pop("task_is_overdue")
    return TaskView.of(Task(**values), project, bool(overdue))


def assignment_select() -> Select[Any]:
    """With the names the pages show: the task's and the member's."""
    joined = assignments.join(tasks, tasks.c.id == assignments.c.task_id).join(
        users, users.c.id == assignments.c.user_id
    )
    names = (tasks.c.slug.label("task_slug"), tasks.c.name.label("task_name"), users.c.full_name.label("user_name"))
    return select(assignments, *names).select_from(joined)


def assignment_view(row: Row[Any]) -> AssignmentView:
    values = dict(row._mapping)
    task, task_name, user_name = values.pop("task_slug"), values.pop("task_name"), values.pop("user_name")
    return AssignmentView.of(assignment_from_row(values), task, task_name, user_name)
