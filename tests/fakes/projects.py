"""Fake repositories of projects, memberships and invitations."""

from __future__ import annotations

from uuid import UUID

from domain.access import ProjectRole
from domain.errors import AlreadyMember, SlugTaken
from domain.invitations import Invitation, InvitationStatus
from domain.projects import Membership, Project
from domain.users import Role
from tests.fakes.base import FakeRepository, Track
from tests.fakes.store import Tables


def live_role(tables: Tables, project_id: UUID | None, user_id: UUID) -> ProjectRole | None:
    """The user's role in the project, if the project is live: a deleted project's members have none."""
    project = tables.get("projects", project_id) if project_id is not None else None
    if project is None or project.deleted_at is not None:
        return None
    role: ProjectRole | None = tables.get("memberships", (project_id, user_id))
    return role


class FakeProjectRepository(FakeRepository):
    table = "projects"

    async def add(self, obj: Project) -> None:
        if await self.slug_taken(obj.slug):
            raise SlugTaken()
        await super().add(obj)

    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Project | None:
        found: Project | None = self.first(lambda p: p.slug == slug and p.deleted_at is None)
        return found

    async def get_by_slug_with_role(self, slug: str, user_id: UUID) -> tuple[Project, ProjectRole | None] | None:
        project = await self.get_by_slug(slug)
        return None if project is None else (project, live_role(self.t, project.id, user_id))

    async def slug_taken(self, slug: str) -> bool:
        return bool(self.where(lambda p: p.slug == slug and p.deleted_at is None))


class FakeInvitationRepository(FakeRepository):
    table = "invitations"

    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> Invitation | None:
        found: Invitation | None = self.first(lambda i: i.token_digest == digest)
        return found

    async def pending_for(self, project_id: UUID, email: str, *, for_update: bool = False) -> Invitation | None:
        found: Invitation | None = self.first(
            lambda i: i.project_id == project_id and i.email == email and i.status is InvitationStatus.PENDING
        )
        return found


class FakeMembershipRepository:
    """Memberships of live projects count; a deleted project's members have no role in it."""

    def __init__(self, tables: Tables, track: Track | None = None) -> None:
        self.t = tables

    def _roles(self) -> list[tuple[UUID, UUID, ProjectRole]]:
        return [(p, u, role) for (p, u), role in self.t.items("memberships")]

    async def add(self, membership: Membership) -> None:
        key = (membership.project_id, membership.user_id)
        if self.t.get("memberships", key) is not None:
            raise AlreadyMember()
        self.t.put("memberships", key, membership.role)

    async def remove(self, project_id: UUID, user_id: UUID) -> None:
        self.t.delete("memberships", (project_id, user_id))

    async def count_managers(self, project_id: UUID) -> int:
        return sum(p == project_id and r is ProjectRole.MANAGER for p, _, r in self._roles())

    async def role_in(self, project_id: UUID, user_id: UUID) -> ProjectRole | None:
        return live_role(self.t, project_id, user_id)

    async def manages_any(self, user_id: UUID) -> bool:
        return any(
            u == user_id and r is ProjectRole.MANAGER and self.t.get("projects", p).deleted_at is None
            for p, u, r in self._roles()
        )

    async def reviewer_ids(self, project_id: UUID | None) -> list[UUID]:
        if project_id is None:
            return [u.id for u in self.t.rows("users") if u.role is Role.ADMIN and u.is_active]
        return [
            u
            for p, u, r in self._roles()
            if p == project_id and r is ProjectRole.MANAGER and self.t.get("users", u).is_active
        ]
