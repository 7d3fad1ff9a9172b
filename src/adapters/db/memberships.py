"""Who belongs to which project, as the use cases need to know it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import exists, select

from adapters.db.tables import memberships, projects, users
from domain.access import ProjectRole


class SqlMembershipReader:
    def __init__(self, connection: Any) -> None:
        self._conn = connection

    async def role_in(self, project_id: UUID, user_id: UUID) -> ProjectRole | None:
        role = (
            await self._conn.execute(
                select(memberships.c.role)
                .join(projects, projects.c.id == memberships.c.project_id)
                .where(
                    memberships.c.project_id == project_id,
                    memberships.c.user_id == user_id,
                    projects.c.deleted_at.is_(None),
                )
            )
        ).scalar()
        return None if role is None else ProjectRole(role)

    async def manages_any(self, user_id: UUID) -> bool:
        query = select(
            exists().where(memberships.c.user_id == user_id, memberships.c.role == ProjectRole.MANAGER.value)
        )
        return bool((await self._conn.execute(query)).scalar())

    async def reviewer_ids(self, project_id: UUID | None) -> list[UUID]:
        if project_id is None:
            query = select(users.c.id).where(users.c.role == "admin", users.c.is_active.is_(True))
        else:
            query = (
                select(memberships.c.user_id)
                .join(users, users.c.id == memberships.c.user_id)
                .where(
                    memberships.c.project_id == project_id,
                    memberships.c.role == ProjectRole.MANAGER.value,
                    users.c.is_active.is_(True),
                )
            )
        return list((await self._conn.execute(query)).scalars())
