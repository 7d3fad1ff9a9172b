"""Read models: the lists, answered straight from SQL as small records, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from application.admin_queries import AdminQueries

# Re-exported: the pages of every list are asked for and answered with these.
from application.paging import DEFAULT_PAGE as DEFAULT_PAGE
from application.paging import MAX_PAGE as MAX_PAGE
from application.paging import Page as Page
from application.paging import PageRequest as PageRequest
from domain.assignments import AssignmentStatus
from domain.notifications import Notification
from domain.users import Role, User
from domain.wallets import LedgerEntry, Wallet

BOARD = "board"  # the cache scope of every list built from tasks, assignments, projects and memberships


@dataclass(frozen=True)
class TaskSummary:
    id: UUID
    slug: str
    project: str | None
    name: str
    description: str
    points: int
    claim_limit: int
    slots_left: int
    due_date: date | None
    claim_duration_seconds: int | None
    auto_approve_after_seconds: int | None
    is_open: bool
    is_overdue: bool
    image_path: str | None
    thumbnail_path: str | None
    created_at: datetime


@dataclass(frozen=True)
class AssignmentSummary:
    id: UUID
    task: str
    user: UUID
    origin: str
    status: str
    note: str
    feedback: str
    claimed_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None
    expires_at: datetime | None
    task_name: str = ""
    user_name: str = ""


@dataclass(frozen=True)
class UserHistory:
    user: User
    assignments_by_status: dict[str, int]
    points_earned: int
    points_redeemed: int
    balance: int


@dataclass(frozen=True)
class ProjectSummary:
    id: UUID
    slug: str
    name: str
    description: str
    status: str
    start_date: date | None
    due_date: date | None
    is_overdue: bool
    my_role: str | None
    created_at: datetime


@dataclass(frozen=True)
class MemberSummary:
    user_id: UUID
    email: str
    full_name: str
    role: str
    joined_at: datetime


@dataclass(frozen=True)
class InvitationSummary:
    id: UUID
    email: str
    role: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class TaskFilters:
    is_open: bool | None = None
    assignee: UUID | None = None
    due_before: date | None = None
    due_after: date | None = None
    overdue: bool | None = None


class ProjectQueries(Protocol):
    async def for_user(self, user: User, page: PageRequest) -> Page[ProjectSummary]:
        """The user's live projects (an admin's: all), newest first."""
        ...

    async def summary(self, project_id: UUID, user_id: UUID) -> ProjectSummary | None: ...
    async def members(self, project_id: UUID, page: PageRequest) -> Page[MemberSummary]: ...
    async def pending_invitations(self, project_id: UUID, now: datetime) -> list[InvitationSummary]: ...
    async def tasks(self, project_id: UUID, filters: TaskFilters, page: PageRequest) -> Page[TaskSummary]: ...


class TaskQueries(Protocol):
    async def available(self, user: User, q: str | None, project: str | None, page: PageRequest) -> Page[TaskSummary]:
        """Tasks the user may claim now: visible, open, live, with a free slot, not already theirs."""
        ...

    async def summary(self, task_id: UUID) -> TaskSummary | None: ...


class AssignmentQueries(Protocol):
    async def mine(
        self, user_id: UUID, status: AssignmentStatus | None, page: PageRequest
    ) -> Page[AssignmentSummary]: ...

    async def review_queue(self, reviewer: User, page: PageRequest) -> Page[AssignmentSummary]:
        """Submitted work the reviewer may review (not their own), oldest submission first."""
        ...

    async def summary(self, assignment_id: UUID) -> AssignmentSummary | None: ...


class WalletQueries(Protocol):
    async def wallet(self, user_id: UUID) -> Wallet: ...
    async def transactions(self, user_id: UUID, page: PageRequest) -> Page[LedgerEntry]: ...


class NotificationQueries(Protocol):
    async def list(self, user_id: UUID, unread_only: bool, page: PageRequest) -> Page[Notification]: ...
    async def unread_count(self, user_id: UUID) -> int: ...


class UserQueries(Protocol):
    async def users(
        self,
        role: Role | None,
        is_active: bool | None,
        q: str | None,
        page: PageRequest,
        joined: tuple[datetime | None, datetime | None] = (None, None),
    ) -> Page[User]:
        """Newest first; `joined` bounds the sign-up time (from inclusive, to exclusive)."""
        ...

    async def history(self, user_id: UUID) -> UserHistory | None: ...


@dataclass(frozen=True)
class Queries:
    tasks: TaskQueries
    assignments: AssignmentQueries
    wallets: WalletQueries
    notifications: NotificationQueries
    users: UserQueries
    projects: ProjectQueries
    admin: AdminQueries
