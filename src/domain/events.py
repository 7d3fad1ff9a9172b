"""What happened: entities record these events, and the application turns them into notifications, emails and
audit entries inside the transaction that caused them. Each carries what those side effects need."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

_order = itertools.count()


@dataclass(frozen=True, kw_only=True)
class Event:
    at: datetime
    order: int = field(default_factory=lambda: next(_order), compare=False, repr=False)


class Aggregate:
    """An entity that records events until the unit of work collects them (kept out of its fields)."""

    def record(self, event: Event) -> None:
        self.__dict__.setdefault("_events", []).append(event)

    def pull_events(self) -> list[Event]:
        events: list[Event] = self.__dict__.pop("_events", [])
        return events


class Withdrawal(StrEnum):
    """Why in-progress work was given back for its member."""

    TASK_DELETED = "task_deleted"
    PROJECT_DELETED = "project_deleted"
    LEFT_PROJECT = "left_project"
    ACCOUNT_DEACTIVATED = "account_deactivated"


# Work on tasks.


@dataclass(frozen=True, kw_only=True)
class AssignmentMade(Event):
    assignment_id: UUID
    user_id: UUID
    by: UUID
    task_name: str
    task_slug: str
    due_date: date | None


@dataclass(frozen=True, kw_only=True)
class WorkSubmitted(Event):
    assignment_id: UUID
    user_id: UUID
    task_name: str
    project_id: UUID | None


@dataclass(frozen=True, kw_only=True)
class AssignmentApproved(Event):
    assignment_id: UUID
    user_id: UUID
    reviewer_id: UUID | None  # None: the auto-approve job
    task_name: str
    task_slug: str
    points: int
    feedback: str


@dataclass(frozen=True, kw_only=True)
class AssignmentRejected(Event):
    assignment_id: UUID
    user_id: UUID
    reviewer_id: UUID
    task_name: str
    task_slug: str
    feedback: str


@dataclass(frozen=True, kw_only=True)
class AutoApprovalWithheld(Event):
    """The holder reviews the task, so the auto-approve job left their submission for a person."""

    assignment_id: UUID
    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class ClaimExpired(Event):
    assignment_id: UUID
    user_id: UUID
    task_name: str
    task_slug: str


@dataclass(frozen=True, kw_only=True)
class ClaimWithdrawn(Event):
    assignment_id: UUID
    user_id: UUID
    task_name: str
    why: Withdrawal


@dataclass(frozen=True, kw_only=True)
class TaskEdited(Event):
    task_slug: str
    by: UUID
    fields: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class TaskDeleted(Event):
    task_slug: str
    by: UUID


# Projects and their people.


@dataclass(frozen=True, kw_only=True)
class ProjectCreated(Event):
    project_slug: str
    by: UUID


@dataclass(frozen=True, kw_only=True)
class ProjectDeleted(Event):
    project_slug: str
    by: UUID


@dataclass(frozen=True, kw_only=True)
class MemberRemoved(Event):
    project_name: str
    project_slug: str
    user_id: UUID
    by: UUID


@dataclass(frozen=True, kw_only=True)
class InvitationSent(Event):
    email: str
    project_name: str
    invitee_id: UUID | None  # an existing account is told in the app too
    inviter_name: str
    token: str  # only in the email; the invitation keeps its digest


@dataclass(frozen=True, kw_only=True)
class InvitationsSent(Event):
    project_slug: str
    by: UUID
    count: int


@dataclass(frozen=True, kw_only=True)
class InvitationAccepted(Event):
    project_slug: str
    user_id: UUID


# The scheduled jobs' set-based findings.


@dataclass(frozen=True, kw_only=True)
class ItemOverdue(Event):
    user_id: UUID
    email: str
    full_name: str
    item_kind: str  # "task" or "project"
    item_name: str
    item_slug: str
    due_date: date


@dataclass(frozen=True)
class DigestItem:
    name: str
    slug: str
    due_date: date
    overdue: bool


@dataclass(frozen=True, kw_only=True)
class DigestDue(Event):
    user_id: UUID
    email: str
    full_name: str
    day: date
    items: tuple[DigestItem, ...]
