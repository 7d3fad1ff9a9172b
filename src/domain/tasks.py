"""Tasks: work worth points, with a limited number of slots that claims and assignments hold."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from domain.assignments import Assignment, Origin
from domain.errors import InvalidInput, LimitBelowHeldSlots, TaskClosed, TaskFull
from domain.ids import new_id

MAX_TASK_NAME = 200
MAX_DESCRIPTION = 10_000
MAX_POINTS = 1_000_000
MAX_CLAIM_LIMIT = 10_000
MAX_DURATION = timedelta(days=366)


def check_task_fields(
    *,
    name: str,
    description: str,
    points: int,
    claim_limit: int,
    claim_duration: timedelta | None,
    auto_approve_after: timedelta | None,
) -> None:
    if not name.strip() or len(name) > MAX_TASK_NAME:
        raise InvalidInput(f"The name must be 1 to {MAX_TASK_NAME} characters.", field="name")
    if len(description) > MAX_DESCRIPTION:
        raise InvalidInput(f"The description may be at most {MAX_DESCRIPTION} characters.", field="description")
    if not 0 <= points <= MAX_POINTS:
        raise InvalidInput(f"Points must be between 0 and {MAX_POINTS}.", field="points")
    if not 1 <= claim_limit <= MAX_CLAIM_LIMIT:
        raise InvalidInput(f"The claim limit must be between 1 and {MAX_CLAIM_LIMIT}.", field="claim_limit")
    for label, duration in (
        ("claim_duration_seconds", claim_duration),
        ("auto_approve_after_seconds", auto_approve_after),
    ):
        if duration is not None and not timedelta(seconds=60) <= duration <= MAX_DURATION:
            raise InvalidInput("Durations must be between one minute and a year.", field=label)


@dataclass
class Task:
    slug: str
    name: str
    created_by: UUID
    created_at: datetime
    description: str = ""
    points: int = 0
    claim_limit: int = 1
    project_id: UUID | None = None
    due_date: date | None = None
    claim_duration: timedelta | None = None
    auto_approve_after: timedelta | None = None
    is_open: bool = True
    is_overdue: bool = False
    slots_taken: int = 0
    image_path: str | None = None
    thumbnail_path: str | None = None
    deleted_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    def __post_init__(self) -> None:
        check_task_fields(
            name=self.name,
            description=self.description,
            points=self.points,
            claim_limit=self.claim_limit,
            claim_duration=self.claim_duration,
            auto_approve_after=self.auto_approve_after,
        )

    @property
    def slots_left(self) -> int:
        return max(self.claim_limit - self.slots_taken, 0)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def ensure_claimable(self) -> None:
        if not self.is_open or self.is_deleted:
            raise TaskClosed()
        if self.slots_taken >= self.claim_limit:
            raise TaskFull()

    def take_slot(self) -> None:
        if self.slots_taken >= self.claim_limit:
            raise TaskFull()
        self.slots_taken += 1

    def give_back_slot(self) -> None:
        self.slots_taken = max(self.slots_taken - 1, 0)

    def start_assignment(
        self, user_id: UUID, origin: Origin, now: datetime, assigned_by: UUID | None = None
    ) -> Assignment:
        self.ensure_claimable()
        self.take_slot()
        expires_at = now + self.claim_duration if self.claim_duration is not None else None
        return Assignment(
            task_id=self.id,
            user_id=user_id,
            origin=origin,
            claimed_at=now,
            expires_at=expires_at,
            assigned_by=assigned_by,
        )

    def change_limit(self, claim_limit: int) -> None:
        if claim_limit < self.slots_taken:
            raise LimitBelowHeldSlots()
        self.claim_limit = claim_limit

    def edit(self, **changes: object) -> None:
        claim_limit = changes.pop("claim_limit", None)
        for name, value in changes.items():
            if not hasattr(self, name) or name in ("id", "slots_taken", "created_by", "created_at", "deleted_at"):
                raise InvalidInput(f"{name} cannot be edited.", field=name)
            setattr(self, name, value)
        if isinstance(claim_limit, int):
            self.change_limit(claim_limit)
        if "due_date" in changes:
            self.is_overdue = False  # judged again against the new date by the next overdue run
        self.__post_init__()

    def delete(self, now: datetime) -> None:
        self.deleted_at = now
