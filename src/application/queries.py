"""Read models: the lists, answered straight from SQL as small records, one page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from application.admin_queries import AdminQueries

# Re-exported: the pages of every list are asked for and answered with these.
from application.paging import Page as Page
from application.paging import PageRequest as PageRequest
from application.ports.ledger import LedgerChecks
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
from domain.ledger import AccountKey
from domain.notifications import Notification
from domain.users import Role, User

BOARD = "board"  # the cache scope of every list built from tasks, assignments, projects and memberships


@dataclass(frozen=True)
class TaskFilters:
    is_open: bool | None = None
    assignee: UUID | None = None
    due_before: date | None = None
    due_after: date | None = None
    overdue: bool | None = None


class ProjectQueries(Protocol):
    """`today` is the local date that due dates are judged against."""

    async def for_user(self, user: User, page: PageRequest, today: date) -> Page[ProjectView]:
        """The user's live projects (an admin's: all), newest first."""
        ...

    async def members(self, project_id: UUID, page: PageRequest) -> Page[MemberView]: ...
    async def pending_invitations(self, project_id: UUID, now: datetime, page: PageRequest) -> Page[PendingInvitation]:
        """Invitations still waiting for an answer, newest first."""
        ...

    async def tasks(self, project_id: UUID, filters: TaskFilters, page: PageRequest, today: date) -> Page[TaskView]: ...


class TaskQueries(Protocol):
    async def available(
        self, user: User, q: str | None, project: str | None, page: PageRequest, today: date
    ) -> Page[TaskView]:
        """Tasks the user may claim now: visible, open, live, with a free slot, not already theirs, and not
        theirs to review."""
        ...


class AssignmentQueries(Protocol):
    async def mine(self, user_id: UUID, status: AssignmentStatus | None, page: PageRequest) -> Page[AssignmentView]: ...

    async def review_queue(self, reviewer: User, page: PageRequest) -> Page[AssignmentView]:
        """Submitted work the reviewer may review (not their own), oldest submission first."""
        ...

    async def histories(self, assignment_ids: list[UUID]) -> dict[UUID, list[ReviewView]]:
        """Every review of these assignments (an overturned rejection included), oldest first, with the
        reviewers' names; one statement. Assignments never reviewed are left out."""
        ...


class WalletQueries(Protocol):
    async def wallet(self, user_id: UUID) -> WalletSummary: ...


class LedgerQueries(Protocol):
    async def entries(self, account: AccountKey, page: PageRequest) -> Page[AccountEntry]:
        """The account's transfers, newest first, signed from its side."""
        ...


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
    ledger: LedgerQueries
    checks: LedgerChecks
