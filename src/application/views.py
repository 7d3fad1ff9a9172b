"""What the answers show: small records built from the entities (a write answers from its own transaction)
or straight from SQL (the lists). Each copies its fields from the entity by name, so the field list is
written once here, and the wire schemas convert these records without copying fields by hand."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from domain.access import ProjectRole
from domain.assignments import Assignment, AssignmentStatus, Origin, ReviewRecord
from domain.ledger import AccountKey, Transfer, TransferKind
from domain.projects import Project, ProjectStatus
from domain.tasks import Task
from domain.users import User

V = TypeVar("V")


def copied(view: type[V], source: object, **given: Any) -> V:
    """The view of `source`: each field read from the attribute of the same name, unless given."""
    names = [f.name for f in fields(view) if f.name not in given]  # type: ignore[arg-type]
    return view(**{name: getattr(source, name) for name in names}, **given)


@dataclass(frozen=True)
class TaskView:
    id: UUID
    slug: str
    project: str | None  # the project's slug
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

    @classmethod
    def of(cls, task: Task, project: str | None, is_overdue: bool) -> TaskView:
        return copied(cls, task, project=project, is_overdue=is_overdue)

    @property
    def image_url(self) -> str | None:
        return f"/media/{self.image_path}" if self.image_path else None

    @property
    def thumbnail_url(self) -> str | None:
        return f"/media/{self.thumbnail_path}" if self.thumbnail_path else None


@dataclass(frozen=True)
class AssignmentView:
    id: UUID
    task: str  # the task's slug
    user: UUID
    origin: Origin
    status: AssignmentStatus
    note: str
    feedback: str
    claimed_at: datetime
    submitted_at: datetime | None
    reviewed_at: datetime | None
    expires_at: datetime | None
    task_name: str = ""  # for the pages, where lists read them with the rows
    user_name: str = ""

    @classmethod
    def of(cls, assignment: Assignment, task: str, task_name: str = "", user_name: str = "") -> AssignmentView:
        return copied(cls, assignment, task=task, user=assignment.user_id, task_name=task_name, user_name=user_name)


@dataclass(frozen=True)
class ReviewView:
    status: AssignmentStatus
    by: UUID | None  # None: the auto-approve job
    at: datetime
    feedback: str
    by_name: str = ""  # the reviewer's name, for the pages


@dataclass(frozen=True, kw_only=True)
class AssignmentDetail(AssignmentView):
    history: list[ReviewView]

    @classmethod
    def of(  # type: ignore[override]
        cls, assignment: Assignment, task: str, reviews: list[ReviewRecord], task_name: str = ""
    ) -> AssignmentDetail:
        history = [ReviewView(r.status, r.reviewer_id, r.at, r.feedback) for r in reviews]
        given = {"task": task, "user": assignment.user_id, "task_name": task_name, "user_name": ""}
        return copied(cls, assignment, **given, history=history)


@dataclass(frozen=True)
class ProjectView:
    id: UUID
    slug: str
    name: str
    description: str
    status: ProjectStatus
    start_date: date | None
    due_date: date | None
    is_overdue: bool
    my_role: ProjectRole | None
    created_at: datetime

    @classmethod
    def of(cls, project: Project, my_role: ProjectRole | None, is_overdue: bool) -> ProjectView:
        return copied(cls, project, my_role=my_role, is_overdue=is_overdue)


@dataclass(frozen=True)
class MemberView:
    user_id: UUID
    email: str
    full_name: str
    role: ProjectRole
    joined_at: datetime


@dataclass(frozen=True)
class PendingInvitation:
    id: UUID
    email: str
    role: ProjectRole
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class AccountEntry:
    """A transfer as one account sees it: points positive when they came in."""

    id: UUID
    kind: TransferKind
    points: int
    reason: str
    reference: str
    actor_id: UUID | None
    created_at: datetime

    @classmethod
    def of(cls, transfer: Transfer, account: AccountKey) -> AccountEntry:
        return copied(cls, transfer, points=transfer.points_for(account))


@dataclass(frozen=True)
class WalletSummary:
    balance: int
    earned: int  # rewards received
    redeemed: int  # points spent


@dataclass(frozen=True)
class UserHistory:
    user: User
    assignments_by_status: dict[str, int]
    points_earned: int
    points_redeemed: int
    balance: int
