"""Repositories for projects, memberships and invitations."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, bindparam, delete, exists, func, insert, select

from adapters.db.base import TableRepository
from adapters.db.errors import refusals
from adapters.db.tables import invitations, memberships, projects, users
from domain.access import ProjectRole
from domain.invitations import Invitation, InvitationStatus
from domain.projects import Membership, Project, ProjectStatus

_LIVE_BY_SLUG = select(projects).where(projects.c.slug == bindparam("slug"), projects.c.deleted_at.is_(None))
_LIVE_BY_SLUG_LOCKED = _LIVE_BY_SLUG.with_for_update()
_LIVE_BY_SLUG_WITH_ROLE = (
    select(projects, memberships.c.role.label("member_role"))
    .outerjoin(
        memberships, and_(memberships.c.project_id == projects.c.id, memberships.c.user_id == bindparam("user_id"))
    )
    .where(projects.c.slug == bindparam("slug"), projects.c.deleted_at.is_(None))
)
_ROLE_IN = (
    select(memberships.c.role)
    .join(projects, projects.c.id == memberships.c.project_id)
    .where(
        memberships.c.project_id == bindparam("project_id"),
        memberships.c.user_id == bindparam("user_id"),
        projects.c.deleted_at.is_(None),
    )
)


def project_from_row(row: Row[Any] | Mapping[str, Any]) -> Project:
    values = dict(row._mapping if isinstance(row, Row) else row)
    values["status"] = ProjectStatus(values["status"])
    return Project(**values)


class SqlProjectRepository(TableRepository[Project]):
    table = projects
    entity = Project
    savepoint_on_add = True  # a slug taken meanwhile is retried with another

    def from_row(self, row: Row[Any]) -> Project:
        return project_from_row(row)

    def from_values(self, values: dict[str, Any]) -> Project:
        return project_from_row(values)

    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Project | None:
        return await self.first(_LIVE_BY_SLUG_LOCKED if for_update else _LIVE_BY_SLUG, {"slug": slug})

    async def get_by_slug_with_role(self, slug: str, user_id: UUID) -> tuple[Project, ProjectRole | None] | None:
        return await self.first_with_role(_LIVE_BY_SLUG_WITH_ROLE, {"slug": slug, "user_id": user_id})

    async def slug_taken(self, slug: str) -> bool:
        query = select(exists().where(projects.c.slug == slug, projects.c.deleted_at.is_(None)))
        return bool((await self._conn.execute(query)).scalar())


class SqlInvitationRepository(TableRepository[Invitation]):
    table = invitations
    entity = Invitation

    def from_row(self, row: Row[Any]) -> Invitation:
        invitation = Invitation(**row._mapping)
        invitation.role = ProjectRole(invitation.role)
        invitation.status = InvitationStatus(invitation.status)
        return invitation

    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> Invitation | None:
        query = select(invitations).where(invitations.c.token_digest == digest)
        return await self.first(query.with_for_update() if for_update else query)

    async def pending_for(self, project_id: UUID, email: str, *, for_update: bool = False) -> Invitation | None:
        query = select(invitations).where(
            invitations.c.project_id == project_id,
            invitations.c.email == email,
            invitations.c.status == InvitationStatus.PENDING.value,
        )
        return await self.first(query.with_for_update() if for_update else query)


class SqlMembershipRepository:
    def __init__(self, connection: Any, on_write: Callable[[], None]) -> None:
        self._conn = connection
        self._on_write = on_write

    async def add(self, membership: Membership) -> None:
        # A savepoint: accepting an invitation goes on when the person joined meanwhile.
        async with refusals(), self._conn.begin_nested():
            await self._conn.execute(
                insert(memberships).values(
                    project_id=membership.project_id,
                    user_id=membership.user_id,
                    role=membership.role.value,
                    created_at=membership.created_at,
                )
            )
        self._on_write()

    async def remove(self, project_id: UUID, user_id: UUID) -> None:
        await self._conn.execute(
            delete(memberships).where(memberships.c.project_id == project_id, memberships.c.user_id == user_id)
        )
        self._on_write()

    async def count_managers(self, project_id: UUID) -> int:
        query = select(func.count()).where(
            memberships.c.project_id == project_id, memberships.c.role == ProjectRole.MANAGER.value
        )
        return int((await self._conn.execute(query)).scalar_one())

    async def role_in(self, project_id: UUID, user_id: UUID) -> ProjectRole | None:
        role = (await self._conn.execute(_ROLE_IN, {"project_id": project_id, "user_id": user_id})).scalar()
        return None if role is None else ProjectRole(role)

    async def manages_any(self, user_id: UUID) -> bool:
        query = select(
            exists()
            .where(memberships.c.user_id == user_id, memberships.c.role == ProjectRole.MANAGER.value)
            .where(projects.c.id == memberships.c.project_id, projects.c.deleted_at.is_(None))
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
