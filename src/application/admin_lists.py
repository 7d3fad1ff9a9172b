"""What the admin panel reads: the caller must be an admin, then one read model answers each list."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from enum import StrEnum
from uuid import UUID

from application.access import ensure_admin
from application.admin_queries import (
    AdminTaskFilters,
    AuditFilters,
    AuditRecord,
    DeliveryRecord,
    Figures,
    ProjectFilters,
    ProjectRecord,
    TaskRecord,
)
from application.listing import user_history, with_histories
from application.local_dates import local_today
from application.ports.clock import Clock
from application.queries import Page, PageRequest, Queries
from application.views import AccountEntry, AssignmentView, MemberView, ReviewView, UserHistory
from domain.errors import NotFound, ProjectNotFound, TaskNotFound
from domain.ledger import wallet_of
from domain.outbox import DeliveryStatus
from domain.users import User

NEW_USERS_WINDOW = timedelta(days=7)


def _term(q: str | None) -> str | None:
    return q.strip() or None if q else None


def panel_admin(user: User | None) -> User:
    """The panel exists only for admins: to anyone else, signed in or not, there is nothing there."""
    if user is None or not user.is_admin:
        raise NotFound("There is no such page.")
    return user


@dataclass(frozen=True)
class Dashboard:
    figures: Figures
    oldest_waiting: timedelta | None  # how long the oldest submission has waited
    today: date
    new_users_since: date


async def dashboard(admin: User, queries: Queries, clock: Clock) -> Dashboard:
    """A project is overdue once its due date has passed in TIME_ZONE (`clock.today()`), as on every page."""
    ensure_admin(admin)
    now = clock.now()
    today = clock.today()
    since = now - NEW_USERS_WINDOW
    figures = await queries.admin.figures(today, since)
    oldest = now - figures.oldest_submission_at if figures.oldest_submission_at else None
    return Dashboard(figures, oldest, today, local_today(since, admin.time_zone))


async def tasks(
    admin: User, filters: AdminTaskFilters, page: PageRequest, queries: Queries, clock: Clock
) -> Page[TaskRecord]:
    ensure_admin(admin)
    return await queries.admin.tasks(replace(filters, q=_term(filters.q)), page, clock.today())


@dataclass(frozen=True)
class TaskPage:
    task: TaskRecord
    assignments: Page[AssignmentView]
    histories: dict[UUID, list[ReviewView]]


async def task_page(admin: User, slug: str, page: PageRequest, queries: Queries, clock: Clock) -> TaskPage:
    """A live task (public or in any project) and every assignment it ever had."""
    ensure_admin(admin)
    task = await queries.admin.task(slug, clock.today())
    if task is None:
        raise TaskNotFound()
    found = await with_histories(
        await queries.admin.assignments(task_id=task.id, user_id=None, status=None, page=page), queries
    )
    return TaskPage(task, found.assignments, found.histories)


class UserTab(StrEnum):
    ASSIGNMENTS = "assignments"
    LEDGER = "ledger"
    AUDIT = "audit"


@dataclass(frozen=True)
class UserPage:
    history: UserHistory
    tab: UserTab
    assignments: Page[AssignmentView] | None = None
    ledger: Page[AccountEntry] | None = None
    audit: Page[AuditRecord] | None = None
    histories: dict[UUID, list[ReviewView]] = field(default_factory=dict)


async def user_page(
    admin: User, user_id: UUID, tab: UserTab, status: str | None, page: PageRequest, queries: Queries
) -> UserPage:
    """The account, its points and counts, and one list of its history: assignments, ledger or audit events."""
    history = await user_history(admin, user_id, queries)
    if tab is UserTab.LEDGER:
        return UserPage(history, tab, ledger=await queries.ledger.entries(wallet_of(user_id), page))
    if tab is UserTab.AUDIT:
        return UserPage(history, tab, audit=await queries.admin.audit(AuditFilters(about=user_id), page))
    found = await with_histories(
        await queries.admin.assignments(task_id=None, user_id=user_id, status=status, page=page), queries
    )
    return UserPage(history, tab, assignments=found.assignments, histories=found.histories)


async def projects(
    admin: User, filters: ProjectFilters, page: PageRequest, queries: Queries, clock: Clock
) -> Page[ProjectRecord]:
    ensure_admin(admin)
    return await queries.admin.projects(replace(filters, q=_term(filters.q)), clock.today(), page)


@dataclass(frozen=True)
class ProjectPage:
    project: ProjectRecord
    members: Page[MemberView]


async def project_page(admin: User, slug: str, page: PageRequest, queries: Queries, clock: Clock) -> ProjectPage:
    ensure_admin(admin)
    project = await queries.admin.project(slug, clock.today())
    if project is None:
        raise ProjectNotFound()
    return ProjectPage(project, await queries.projects.members(project.id, page))


async def deliveries(
    admin: User, status: DeliveryStatus | None, page: PageRequest, queries: Queries
) -> Page[DeliveryRecord]:
    """Emails still being tried and those given up on; sent ones are not listed (`status` SENT lists nothing)."""
    ensure_admin(admin)
    if status is DeliveryStatus.SENT:
        return Page([], None)
    return await queries.admin.deliveries(status, page)
