"""Bodies of the task, assignment, wallet, notification and admin paths."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

import msgspec

from application.queries import AssignmentSummary, TaskSummary
from domain.notifications import Notification
from domain.wallets import LedgerEntry
from entrypoints.http.schemas.common import PLAIN_TEXT, Request

T = TypeVar("T")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=PLAIN_TEXT)]
Text = Annotated[str, msgspec.Meta(max_length=10_000, pattern=PLAIN_TEXT)]
Note = Annotated[str, msgspec.Meta(max_length=5000, pattern=PLAIN_TEXT)]
Points = Annotated[int, msgspec.Meta(ge=0, le=1_000_000)]
Limit = Annotated[int, msgspec.Meta(ge=1, le=10_000)]
Seconds = Annotated[int, msgspec.Meta(ge=60, le=366 * 24 * 3600)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500, pattern=PLAIN_TEXT)]
Amount = Annotated[int, msgspec.Meta(ge=-1_000_000, le=1_000_000)]
Redeemable = Annotated[int, msgspec.Meta(ge=1, le=1_000_000)]


class PageOut(msgspec.Struct, Generic[T]):
    items: list[T]
    next_cursor: str | None


class TaskIn(Request):
    name: Name
    description: Text = ""
    points: Points = 0
    claim_limit: Limit = 1
    due_date: date | None = None
    claim_duration_seconds: Seconds | None = None
    auto_approve_after_seconds: Seconds | None = None


class TaskPatch(Request):
    name: Name | msgspec.UnsetType = msgspec.UNSET
    description: Text | msgspec.UnsetType = msgspec.UNSET
    points: Points | msgspec.UnsetType = msgspec.UNSET
    claim_limit: Limit | msgspec.UnsetType = msgspec.UNSET
    due_date: date | msgspec.UnsetType | None = msgspec.UNSET
    claim_duration_seconds: Seconds | msgspec.UnsetType | None = msgspec.UNSET
    auto_approve_after_seconds: Seconds | msgspec.UnsetType | None = msgspec.UNSET
    is_open: bool | msgspec.UnsetType = msgspec.UNSET

    def changes(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__struct_fields__ if getattr(self, f) is not msgspec.UNSET}


class TaskOut(msgspec.Struct):
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
    image_url: str | None
    thumbnail_url: str | None
    created_at: datetime

    @classmethod
    def of(cls, task: TaskSummary) -> TaskOut:
        return cls(
            slug=task.slug,
            project=task.project,
            name=task.name,
            description=task.description,
            points=task.points,
            claim_limit=task.claim_limit,
            slots_left=max(task.slots_left, 0),
            due_date=task.due_date,
            claim_duration_seconds=task.claim_duration_seconds,
            auto_approve_after_seconds=task.auto_approve_after_seconds,
            is_open=task.is_open,
            is_overdue=task.is_overdue,
            image_url=f"/media/{task.image_path}" if task.image_path else None,
            thumbnail_url=f"/media/{task.thumbnail_path}" if task.thumbnail_path else None,
            created_at=task.created_at,
        )


class AssignIn(Request):
    user_id: UUID


class SubmitIn(Request):
    note: Note = ""


class ApproveIn(Request):
    feedback: Note = ""


class RejectIn(Request):
    feedback: Annotated[str, msgspec.Meta(min_length=1, max_length=5000, pattern=PLAIN_TEXT)]


class AssignmentOut(msgspec.Struct):
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

    @classmethod
    def of(cls, a: AssignmentSummary) -> AssignmentOut:
        return cls(**{f: getattr(a, f) for f in cls.__struct_fields__})


class WalletOut(msgspec.Struct):
    balance: int
    earned: int
    redeemed: int


class EntryOut(msgspec.Struct):
    id: UUID
    kind: str
    points: int
    reason: str
    reference: str
    created_at: datetime

    @classmethod
    def of(cls, entry: LedgerEntry) -> EntryOut:
        return cls(entry.id, entry.kind.value, entry.points, entry.reason, entry.reference, entry.created_at)


class RedeemIn(Request):
    points: Redeemable
    note: Annotated[str, msgspec.Meta(max_length=500, pattern=PLAIN_TEXT)] = ""


class AdjustIn(Request):
    points: Amount
    reason: Reason


class PostingOut(msgspec.Struct):
    entry: EntryOut
    balance: int


class NotificationOut(msgspec.Struct):
    id: UUID
    kind: str
    text: str
    link: str
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def of(cls, n: Notification) -> NotificationOut:
        return cls(n.id, n.kind.value, n.text, n.link, n.created_at, n.read_at)


class CountOut(msgspec.Struct):
    count: int


class UserPatch(Request):
    role: Annotated[str, msgspec.Meta(pattern="^(admin|manager|member)$")] | msgspec.UnsetType = msgspec.UNSET
    is_active: bool | msgspec.UnsetType = msgspec.UNSET
