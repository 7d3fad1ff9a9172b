"""The list use cases: who may ask, then one read-model query for the page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar
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

R = TypeVar("R")


TaskPage = Page[TaskView]
ProjectPage = Page[ProjectView]
Loader = Callable[[], Awaitable[R]]


def _available(
    user: User, q: str | None, project: str | None, page: PageRequest, queries: Queries, clock: Clock
) -> tuple[str, Loader[TaskPage]]:
    term, today = (q.strip() if q else None), clock.today()
    key = f"available:{user.id}:{user.role.value}:{term}:{project}:{page.limit}:{page.cursor}:{today}"

    async def load() -> TaskPage:
        return await queries.tasks.available(user, term, project, page, today)

    return key, load


async def available_tasks(
    user: User,
    q: str | None,
    project: str | None,
    page: PageRequest,
    queries: Queries,
    cache: ListCache,
    clock: Clock,
) -> TaskPage:
    key, load = _available(user, q, project, page, queries, clock)
    return await cache.fetch(BOARD, key, load, TaskPage)


async def available_tasks_rendered(
    user: User,
    q: str | None,
    project: str | None,
    page: PageRequest,
    deps: tuple[Queries, ListCache, Clock],
    render: Callable[[TaskPage], bytes],
) -> bytes:
    """The same page as the bytes `render` makes of it: a cached page is answered as it was stored."""
    queries, cache, clock = deps
    key, load = _available(user, q, project, page, queries, clock)
    return await cache.fetch_rendered(BOARD, key, load, render)


def _mine(user: User, page: PageRequest, queries: Queries, clock: Clock) -> tuple[str, Loader[ProjectPage]]:
    today = clock.today()

    async def load() -> ProjectPage:
        return await queries.projects.for_user(user, page, today)

    return f"projects:{user.id}:{user.role.value}:{page.limit}:{page.cursor}:{today}", load


async def my_projects(user: User, page: PageRequest, queries: Queries, cache: ListCache, clock: Clock) -> ProjectPage:
    key, load = _mine(user, page, queries, clock)
    return await cache.fetch(BOARD, key, load, ProjectPage)


async def my_projects_rendered(
    user: User, page: PageRequest, deps: tuple[Queries, ListCache, Clock], render: Callable[[ProjectPage], bytes]
) -> bytes:
    queries, cache, clock = deps
    key, load = _mine(user, page, queries, clock)
    return await cache.fetch_rendered(BOARD, key, load, render)


def _project_tasks(
    slug: str,
    user: User,
    filters: TaskFilters,
    page: PageRequest,
    queries: Queries,
    uow: UnitOfWorkFactory,
    clock: Clock,
) -> tuple[str, Loader[TaskPage]]:
    """Visibility is checked inside the load: a kept page was visible to this user, and any change to projects
    or memberships since then has hidden it (the version bump)."""
    today = clock.today()

    async def load() -> TaskPage:
        async with uow() as work:
            project, _ = await visible_project(work, user, slug)
        return await queries.projects.tasks(project.id, filters, page, today)

    return f"project-tasks:{slug}:{user.id}:{user.role.value}:{filters}:{page.limit}:{page.cursor}:{today}", load


async def project_tasks(
    slug: str,
    user: User,
    filters: TaskFilters,
    page: PageRequest,
    queries: Queries,
    cache: ListCache,
    uow: UnitOfWorkFactory,
    clock: Clock,
) -> TaskPage:
    key, load = _project_tasks(slug, user, filters, page, queries, uow, clock)
    return await cache.fetch(BOARD, key, load, TaskPage)


async def project_tasks_rendered(
    slug: str,
    user: User,
    filters: TaskFilters,
    page: PageRequest,
    deps: tuple[Queries, ListCache, UnitOfWorkFactory, Clock],
    render: Callable[[TaskPage], bytes],
) -> bytes:
    queries, cache, uow, clock = deps
    key, load = _project_tasks(slug, user, filters, page, queries, uow, clock)
    return await cache.fetch_rendered(BOARD, key, load, render)


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
