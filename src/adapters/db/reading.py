"""What the read models share: a connection per query outside any unit of work, LIKE patterns, the task row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.tables import projects, tasks
from application.views import TaskView
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
