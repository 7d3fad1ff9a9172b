"""The list use cases: who may ask, then one read-model query for the page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from application.access import ensure_admin, ensure_may_review_something
from application.local_dates import day_range
from application.ports.clock import Clock
from application.ports.messaging import ListCache
from application.ports.repositories import UnitOfWorkFactory
from application.projects import managed_project, visible_project
from application.queries import BOARD, Page, PageRequest, Queries, TaskFilters
from application.views import (
    AccountEntry,
    AssignmentView,
    MemberView,
    PendingInvitation,
    ProjectView,
    ReviewView,
    TaskView,
    UserHistory,
    WalletSummary,
)
from domain.assignments import AssignmentStatus
from domain.errors import UserNotFound
from domain.ledger import wallet_of
from domain.notifications import Notification
from domain.users import Role, User


async def available_tasks(
    user: User,
    q: str | None,
    project: str | None,
    page: PageRequest,
    queries: Queries,
    cache: ListCache,
    clock: Clock,
) -> Page[TaskView]:
    term, today = (q.strip() if q else None), clock.today()
    key = f"available:{user.id}:{user.role.value}:{term}:{project}:{page.limit}:{page.cursor}:{today}"

    async def load() -> Page[TaskView]:
        return await queries.tasks.available(user, term, project, page, today)

    return await cache.fetch(BOARD, key, load, Page[TaskView])


async def my_projects(
    user: User, page: PageRequest, queries: Queries, cache: ListCache, clock: Clock
) -> Page[ProjectView]:
    today = clock.today()

    async def load() -> Page[ProjectView]:
        return await queries.projects.for_user(user, page, today)

    key = f"projects:{user.id}:{user.role.value}:{page.limit}:{page.cursor}:{today}"
    return await cache.fetch(BOARD, key, load, Page[ProjectView])


async def project_members(
    slug: str, user: User, page: PageRequest, queries: Queries, uow: UnitOfWorkFactory
) -> Page[MemberView]:
    async with uow() as work:
        project, _ = await visible_project(work, user, slug)
    return await queries.projects.members(project.id, page)


async def pending_invitations(
    slug: str, user: User, page: PageRequest, queries: Queries, uow: UnitOfWorkFactory, clock: Clock
) -> Page[PendingInvitation]:
    async with uow() as work:
        project = await managed_project(work, user, slug)
    return await queries.projects.pending_invitations(project.id, clock.now(), page)


async def project_tasks(
    slug: str,
    user: User,
    filters: TaskFilters,
    page: PageRequest,
    queries: Queries,
    cache: ListCache,
    uow: UnitOfWorkFactory,
    clock: Clock,
) -> Page[TaskView]:
    async with uow() as work:
        project, _ = await visible_project(work, user, slug)
    today = clock.today()

    async def load() -> Page[TaskView]:
        return await queries.projects.tasks(project.id, filters, page, today)

    key = f"project-tasks:{project.id}:{filters}:{page.limit}:{page.cursor}:{today}"
    return await cache.fetch(BOARD, key, load, Page[TaskView])


async def my_assignments(
    user: User, status: AssignmentStatus | None, page: PageRequest, queries: Queries
) -> Page[AssignmentView]:
    return await queries.assignments.mine(user.id, status, page)


@dataclass(frozen=True)
class Reviewed:
    """A page of assignments with the review history of each (an overturned rejection included)."""

    assignments: Page[AssignmentView]
    histories: dict[UUID, list[ReviewView]]


async def with_histories(found: Page[AssignmentView], queries: Queries) -> Reviewed:
    """`found` is a page the caller was already allowed to read; its histories come in one more statement."""
    return Reviewed(found, await queries.assignments.histories([a.id for a in found.items]))


async def my_work(user: User, status: AssignmentStatus | None, page: PageRequest, queries: Queries) -> Reviewed:
    """My assignments, and how each was reviewed."""
    return await with_histories(await my_assignments(user, status, page, queries), queries)


async def review_queue(user: User, page: PageRequest, queries: Queries, uow: UnitOfWorkFactory) -> Page[AssignmentView]:
    async with uow() as work:
        await ensure_may_review_something(work, user)
    return await queries.assignments.review_queue(user, page)


async def my_wallet(user: User, queries: Queries) -> WalletSummary:
    return await queries.wallets.wallet(user.id)


async def my_transactions(user: User, page: PageRequest, queries: Queries) -> Page[AccountEntry]:
    return await queries.ledger.entries(wallet_of(user.id), page)


async def my_notifications(user: User, unread_only: bool, page: PageRequest, queries: Queries) -> Page[Notification]:
    return await queries.notifications.list(user.id, unread_only, page)


async def my_unread_count(user: User, queries: Queries) -> int:
    return await queries.notifications.unread_count(user.id)


async def users_for_admin(
    admin: User,
    role: Role | None,
    is_active: bool | None,
    q: str | None,
    page: PageRequest,
    queries: Queries,
    joined: tuple[date | None, date | None] = (None, None),
) -> Page[User]:
    """`joined` is the first and last day of sign-up to list, in the admin's calendar."""
    ensure_admin(admin)
    since, until = day_range(*joined, admin.time_zone, names=("joined from", "joined to"))
    return await queries.users.users(role, is_active, q.strip().lower() if q else None, page, (since, until))


async def user_history(admin: User, user_id: UUID, queries: Queries) -> UserHistory:
    ensure_admin(admin)
    history = await queries.users.history(user_id)
    if history is None:
        raise UserNotFound()
    return history
