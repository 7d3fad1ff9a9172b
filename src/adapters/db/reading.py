"""What the read models share: a connection per query outside any unit of work, LIKE patterns, the task and
assignment rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, select
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


def task_select() -> Select[Any]:
    joined = tasks.outerjoin(projects, projects.c.id == tasks.c.project_id)
    return select(tasks, projects.c.slug.label("project_slug")).select_from(joined)


def task_view(row: Row[Any]) -> TaskView:
    values = dict(row._mapping)
    project = values.pop("project_slug")
    return TaskView.of(Task(**values), project)


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
