"""Bodies of the task, assignment, wallet, notification and admin paths; every limit comes from the domain."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Generic, TypeVar
from uuid import UUID

import msgspec

from domain.assignments import MAX_NOTE_LENGTH
from domain.ledger import MAX_REASON_LENGTH, MAX_TRANSFER
from domain.tasks import MAX_CLAIM_LIMIT, MAX_DESCRIPTION, MAX_DURATION_SECONDS, MAX_POINTS, MAX_TASK_NAME
from domain.tasks import MIN_DURATION_SECONDS as MIN_SECONDS
from domain.users import Role
from entrypoints.http.schemas.common import PLAIN_TEXT, SINGLE_LINE, Request

T = TypeVar("T")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_TASK_NAME, pattern=SINGLE_LINE)]
Text = Annotated[str, msgspec.Meta(max_length=MAX_DESCRIPTION, pattern=PLAIN_TEXT)]
Note = Annotated[str, msgspec.Meta(max_length=MAX_NOTE_LENGTH, pattern=PLAIN_TEXT)]
Feedback = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_NOTE_LENGTH, pattern=PLAIN_TEXT)]
Points = Annotated[int, msgspec.Meta(ge=0, le=MAX_POINTS)]
Limit = Annotated[int, msgspec.Meta(ge=1, le=MAX_CLAIM_LIMIT)]
Seconds = Annotated[int, msgspec.Meta(ge=MIN_SECONDS, le=MAX_DURATION_SECONDS)]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=MAX_REASON_LENGTH, pattern=PLAIN_TEXT)]
RedeemNote = Annotated[str, msgspec.Meta(max_length=MAX_REASON_LENGTH, pattern=PLAIN_TEXT)]
Amount = Annotated[int, msgspec.Meta(ge=-MAX_TRANSFER, le=MAX_TRANSFER)]
Redeemable = Annotated[int, msgspec.Meta(ge=1, le=MAX_TRANSFER)]


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


class AssignIn(Request):
    user_id: UUID


class SubmitIn(Request):
    note: Note = ""


class ApproveIn(Request):
    feedback: Note = ""


class RejectIn(Request):
    feedback: Feedback


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


class ReviewOut(msgspec.Struct):
    status: str
    by: UUID | None  # null: approved automatically
    at: datetime
    feedback: str


class AssignmentDetailOut(AssignmentOut):
    history: list[ReviewOut]


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


class RedeemIn(Request):
    points: Redeemable
    note: RedeemNote = ""


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


class CountOut(msgspec.Struct):
    count: int


class UserPatch(Request):
    role: Role | msgspec.UnsetType = msgspec.UNSET
    is_active: bool | msgspec.UnsetType = msgspec.UNSET
