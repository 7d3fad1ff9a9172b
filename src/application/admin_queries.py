"""The admin panel's read models: what the whole service holds, answered from SQL one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from application.paging import Page, PageRequest
from application.views import AssignmentView, TaskView
from domain.outbox import DeliveryStatus
from domain.projects import ProjectStatus


@dataclass(frozen=True)
class Figures:
    """The dashboard's counts, read in one statement."""

    open_tasks: int
    full_tasks: int
    submissions_waiting: int
    oldest_submission_at: datetime | None
    points_issued: int  # minus the treasury's balance: every point out of it now, wherever it is held
    points_outstanding: int  # held in wallets
    points_in_budgets: int  # granted to projects and not yet reserved by a task
    points_in_escrows: int  # reserved by published tasks, waiting for approvals
    points_redeemed: int  # ever redeemed (back to the treasury)
    failed_deliveries: int
    pending_deliveries: int
    overdue_projects: int
    new_users: int


@dataclass(frozen=True)
class AdminTaskFilters:
    q: str | None = None
    is_open: bool | None = None
    full: bool | None = None
    board_only: bool = False
    project: str | None = None  # a project's slug


@dataclass(frozen=True)
class TaskRecord(TaskView):
    """A task as the panel lists it: with its project's name."""

    project_name: str | None = None

    @property
    def slots_held(self) -> int:
        return self.claim_limit - self.slots_left

    @property
    def is_full(self) -> bool:
        return self.slots_left <= 0


@dataclass(frozen=True)
class AuditFilters:
    actor_email: str | None = None
    action: str | None = None  # an action, or the start of one ("wallet.")
    after: datetime | None = None  # inclusive
    before: datetime | None = None  # exclusive
    about: UUID | None = None  # entries by this user or about them


@dataclass(frozen=True)
class AuditRecord:
    id: UUID
    at: datetime
    action: str
    actor_id: UUID | None
    actor_email: str | None
    subject: str | None
    subject_name: str | None  # the account's name, when the entry is about an account
    detail: str


@dataclass(frozen=True)
class DeliveryRecord:
    outbox_id: UUID
    to: str
    template: str
    status: str
    attempts: int
    last_error: str
    created_at: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class ProjectFilters:
    q: str | None = None
    status: ProjectStatus | None = None
    overdue: bool | None = None


@dataclass(frozen=True)
class ProjectRecord:
    id: UUID
    slug: str
    name: str
    description: str
    status: str
    start_date: date | None
    due_date: date | None
    is_overdue: bool  # derived on read: due before today and not completed
    members: int
    open_tasks: int
    created_at: datetime


class AdminQueries(Protocol):
    async def figures(self, today: date, since: datetime) -> Figures:
        """Counts across the service; projects due before `today` are overdue, users since `since` are new."""
        ...

    async def tasks(self, filters: AdminTaskFilters, page: PageRequest, today: date) -> Page[TaskRecord]:
        """Live tasks, public and in projects, newest first; overdue as judged on `today`."""
        ...

    async def task(self, slug: str, today: date) -> TaskRecord | None: ...
    async def assignments(
        self, *, task_id: UUID | None, user_id: UUID | None, status: str | None, page: PageRequest
    ) -> Page[AssignmentView]:
        """A task's or a user's assignments, newest first, whatever their state."""
        ...

    async def audit(self, filters: AuditFilters, page: PageRequest) -> Page[AuditRecord]:
        """Newest first."""
        ...

    async def deliveries(self, status: DeliveryStatus | None, page: PageRequest) -> Page[DeliveryRecord]:
        """Emails not delivered yet or given up on (never the sent ones), newest first."""
        ...

    async def projects(self, filters: ProjectFilters, today: date, page: PageRequest) -> Page[ProjectRecord]: ...
    async def project(self, slug: str, today: date) -> ProjectRecord | None: ...
