"""Project use cases: create, edit, delete, and remove a member (their open claims are released)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from application.access import withdraw_open_claims
from application.escrow import settle_escrow
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWork, UnitOfWorkFactory
from application.slugging import add_under_free_slug, free_slug
from application.views import ProjectView
from domain.access import ProjectRole, can_create_project, can_manage_project, can_view_project
from domain.errors import MemberNotFound, PermissionDenied, ProjectNotFound
from domain.events import ProjectCreated, Withdrawal
from domain.ledger import TREASURY, TransferKind, budget_of
from domain.projects import RESERVED_SLUGS, Membership, Project, ProjectStatus
from domain.users import User


@dataclass(frozen=True)
class CreateProject:
    name: str
    description: str = ""
    status: ProjectStatus = ProjectStatus.ACTIVE
    start_date: date | None = None
    due_date: date | None = None


@dataclass(frozen=True)
class EditProject:
    slug: str
    changes: dict[str, Any] = field(default_factory=dict)


async def visible_project(
    uow: UnitOfWork, user: User, slug: str, *, for_update: bool = False
) -> tuple[Project, ProjectRole | None]:
    if for_update:
        # The lock first, then the role: a role read in the locking statement is read before the lock is granted,
        # and could be one a concurrent removal (which holds this lock) has just taken away.
        project = await uow.projects.get_by_slug(slug, for_update=True)
        role = await uow.memberships.role_in(project.id, user.id) if project else None
        found = (project, role) if project else None
    else:
        found = await uow.projects.get_by_slug_with_role(slug, user.id)
    if found is None or not can_view_project(user, found[0].deleted_at is not None, found[1]):
        raise ProjectNotFound()
    return found


async def managed_project(uow: UnitOfWork, user: User, slug: str, *, for_update: bool = False) -> Project:
    """A project the user manages; a member is refused (403), anyone else does not see it (404)."""
    project, role = await visible_project(uow, user, slug, for_update=for_update)
    _ensure_manages(user, role)
    return project


def _ensure_manages(user: User, role: ProjectRole | None) -> None:
    if not can_manage_project(user, False, role):
        raise PermissionDenied("Only a manager of this project may do this.")


async def create_project(cmd: CreateProject, user: User, uow: UnitOfWorkFactory, clock: Clock) -> ProjectView:
    if not can_create_project(user):
        raise PermissionDenied("Only managers and admins create projects.")
    now = clock.now()
    async with uow() as work:
        project = Project(
            slug=await free_slug(cmd.name, work.projects.slug_taken, RESERVED_SLUGS),
            name=cmd.name.strip(),
            description=cmd.description.strip(),
            status=cmd.status,
            start_date=cmd.start_date,
            due_date=cmd.due_date,
            created_by=user.id,
            created_at=now,
        )
        await add_under_free_slug(work.projects.add, project, cmd.name)
        await work.memberships.add(Membership(project.id, user.id, ProjectRole.MANAGER, now))
        project.record(ProjectCreated(at=now, project_slug=project.slug, by=user.id))
        await work.commit()
    return ProjectView.of(project, ProjectRole.MANAGER, project.is_overdue_on(clock.today()))


async def get_project(slug: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> ProjectView:
    async with uow() as work:
        project, role = await visible_project(work, user, slug)
    return ProjectView.of(project, role, project.is_overdue_on(clock.today()))


async def edit_project(cmd: EditProject, user: User, uow: UnitOfWorkFactory, clock: Clock) -> ProjectView:
    async with uow() as work:
        project, role = await visible_project(work, user, cmd.slug, for_update=True)
        _ensure_manages(user, role)
        project.edit(dict(cmd.changes))
        await work.projects.update(project)
        await work.commit()
    return ProjectView.of(project, role, project.is_overdue_on(clock.today()))


async def delete_project(slug: str, user: User, uow: UnitOfWorkFactory, clock: Clock) -> None:
    """Soft delete: the project and its tasks vanish from lists and lookups; their history stays. Their
    escrows return to the budget, and what the budget holds returns to the treasury: nobody can spend it now."""
    now = clock.now()
    async with uow() as work:
        project = await managed_project(work, user, slug, for_update=True)
        project.delete(user.id, now)
        await work.projects.update(project)
        claims = await work.assignments.open_claims(project_id=project.id)
        await withdraw_open_claims(work, claims, Withdrawal.PROJECT_DELETED, now, settle=False)
        live = await work.tasks.live_in_project(project.id)  # locks them all before the budget
        await work.tasks.delete_for_project(project.id, now)
        for task in live:
            task.deleted_at = now
            await settle_escrow(work, task, now, user.id)
        budget = await work.ledger.account(budget_of(project.id), for_update=True)
        if budget.balance > 0:
            reason = f"Project “{project.name}” deleted"
            refund = budget.pay(
                TREASURY,
                budget.balance,
                TransferKind.FUNDING,
                now,
                reason=reason,
                reference=f"project:{project.slug}",
                actor_id=user.id,
            )
            await work.ledger.post(refund)
        await work.commit()


async def remove_member(slug: str, member_id: UUID, user: User, uow: UnitOfWorkFactory, clock: Clock) -> None:
    now = clock.now()
    async with uow() as work:
        # The project row lock serialises removals, so two managers cannot remove each other at once.
        project = await managed_project(work, user, slug, for_update=True)
        role = await work.memberships.role_in(project.id, member_id)
        if role is None:
            raise MemberNotFound()
        project.remove_member(member_id, role, await work.memberships.count_managers(project.id), user.id, now)
        claims = await work.assignments.open_claims(project_id=project.id, user_id=member_id)
        await withdraw_open_claims(work, claims, Withdrawal.LEFT_PROJECT, now)
        await work.memberships.remove(project.id, member_id)
        await work.commit()
