"""Tasks: work worth points, with a limited number of slots that claims and assignments hold.

The task is the aggregate of its assignments' slot accounting: every step that takes or gives back a slot
goes through it, and it records the events that tell people about their work.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from domain.assignments import Assignment, AssignmentStatus, Origin
from domain.errors import InvalidInput, LimitBelowHeldSlots, TaskClosed, TaskFull, WrongState
from domain.events import (
    Aggregate,
    AssignmentApproved,
    AssignmentMade,
    AssignmentRejected,
    AutoApprovalWithheld,
    ClaimExpired,
    ClaimWithdrawn,
    TaskDeleted,
    TaskEdited,
    Withdrawal,
    WorkSubmitted,
)
from domain.ids import new_id
from domain.text import check_single_line

MAX_TASK_NAME = 200
MAX_DESCRIPTION = 10_000
MAX_POINTS = 1_000_000
MAX_CLAIM_LIMIT = 10_000
MIN_DURATION_SECONDS = 60
MAX_DURATION_SECONDS = 366 * 24 * 3600
MAX_IMAGE_BYTES = 5 * 1024 * 1024
# 6000 x 4000: Pillow holds up to 4 bytes a pixel, and scaling an RGBA image copies it once more, so one
# image needs at most about 200 MB.
MAX_IMAGE_PIXELS = 24_000_000
EDITABLE = frozenset(
    {
        "name",
        "description",
        "points",
        "claim_limit",
        "due_date",
        "claim_duration_seconds",
        "auto_approve_after_seconds",
        "is_open",
    }
)


def after(now: datetime, seconds: int | None) -> datetime | None:
    """The one place a duration in seconds becomes time arithmetic."""
    return None if seconds is None else now + timedelta(seconds=seconds)


@dataclass
class Task(Aggregate):
    slug: str
    name: str
    created_by: UUID
    created_at: datetime
    description: str = ""
    points: int = 0
    claim_limit: int = 1
    project_id: UUID | None = None
    due_date: date | None = None
    claim_duration_seconds: int | None = None
    auto_approve_after_seconds: int | None = None
    is_open: bool = True
    slots_taken: int = 0
    approved_slots: int = 0
    image_path: str | None = None
    thumbnail_path: str | None = None
    deleted_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > MAX_TASK_NAME:
            raise InvalidInput(f"The name must be 1 to {MAX_TASK_NAME} characters.", field="name")
        check_single_line(self.name, "name", "task name")
        if len(self.description) > MAX_DESCRIPTION:
            raise InvalidInput(f"The description may be at most {MAX_DESCRIPTION} characters.", field="description")
        if not 0 <= self.points <= MAX_POINTS:
            raise InvalidInput(f"Points must be between 0 and {MAX_POINTS}.", field="points")
        if not 1 <= self.claim_limit <= MAX_CLAIM_LIMIT:
            raise InvalidInput(f"The claim limit must be between 1 and {MAX_CLAIM_LIMIT}.", field="claim_limit")
        for label in ("claim_duration_seconds", "auto_approve_after_seconds"):
            seconds = getattr(self, label)
            if seconds is not None and not MIN_DURATION_SECONDS <= seconds <= MAX_DURATION_SECONDS:
                raise InvalidInput("Durations must be between one minute and a year.", field=label)

    @property
    def slots_left(self) -> int:
        return max(self.claim_limit - self.slots_taken, 0)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def is_overdue_on(self, today: date, project_accepts_work: bool = True) -> bool:
        """Due before `today` (local), live, not every slot approved, and not in a completed project."""
        late = self.due_date is not None and self.due_date < today
        return late and not self.is_deleted and self.approved_slots < self.claim_limit and project_accepts_work

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

    def _start(self, user_id: UUID, origin: Origin, now: datetime, assigned_by: UUID | None = None) -> Assignment:
        self.ensure_claimable()
        self.take_slot()
        return Assignment(
            task_id=self.id,
            user_id=user_id,
            origin=origin,
            claimed_at=now,
            expires_at=after(now, self.claim_duration_seconds),
            assigned_by=assigned_by,
        )

    def claim(self, user_id: UUID, now: datetime) -> Assignment:
        return self._start(user_id, Origin.CLAIMED, now)

    def assign(self, user_id: UUID, by: UUID, now: datetime) -> Assignment:
        """A reviewer hands the task to someone; this does not count as that person's own claim."""
        assignment = self._start(user_id, Origin.ASSIGNED, now, assigned_by=by)
        self.record(
            AssignmentMade(
                at=now,
                assignment_id=assignment.id,
                user_id=user_id,
                by=by,
                task_name=self.name,
                task_slug=self.slug,
                due_date=self.due_date,
            )
        )
        return assignment

    def submit(self, assignment: Assignment, note: str, now: datetime) -> None:
        if assignment.expires_at is not None and now >= assignment.expires_at:
            raise WrongState("The claim ran out before it was submitted.")
        assignment.submit(note, now, after(now, self.auto_approve_after_seconds))
        self.record(
            WorkSubmitted(
                at=now,
                assignment_id=assignment.id,
                user_id=assignment.user_id,
                task_name=self.name,
                project_id=self.project_id,
            )
        )

    def release(self, assignment: Assignment, now: datetime) -> None:
        """Its member gives the work back."""
        assignment.release(now)
        self.give_back_slot()

    def withdraw(self, assignment: Assignment, why: Withdrawal, now: datetime) -> None:
        """In-progress work that can no longer be finished is given back for its member."""
        assignment.release(now)
        self.give_back_slot()
        self.record(
            ClaimWithdrawn(
                at=now, assignment_id=assignment.id, user_id=assignment.user_id, task_name=self.name, why=why
            )
        )

    def expire(self, assignment: Assignment, now: datetime) -> None:
        assignment.expire(now)
        self.give_back_slot()
        self.record(
            ClaimExpired(
                at=now,
                assignment_id=assignment.id,
                user_id=assignment.user_id,
                task_name=self.name,
                task_slug=self.slug,
            )
        )

    def approve(self, assignment: Assignment, reviewer_id: UUID | None, feedback: str, now: datetime) -> bool:
        """Approves a submission, or overturns a rejection (which takes its slot again): True for an overturn."""
        overturn = assignment.status is AssignmentStatus.REJECTED and reviewer_id is not None
        if overturn:
            assert reviewer_id is not None
            assignment.overturn(reviewer_id, feedback, now)
            self.take_slot()
        else:
            assignment.approve(reviewer_id, feedback, now)
        self.approved_slots += 1
        self.record(
            AssignmentApproved(
                at=now,
                assignment_id=assignment.id,
                user_id=assignment.user_id,
                task_name=self.name,
                reviewer_id=reviewer_id,
                task_slug=self.slug,
                points=self.points,
                feedback=assignment.feedback,
            )
        )
        return overturn

    def reject(self, assignment: Assignment, reviewer_id: UUID, feedback: str, now: datetime) -> None:
        assignment.reject(reviewer_id, feedback, now)
        self.give_back_slot()
        self.record(
            AssignmentRejected(
                at=now,
                assignment_id=assignment.id,
                user_id=assignment.user_id,
                task_name=self.name,
                reviewer_id=reviewer_id,
                task_slug=self.slug,
                feedback=assignment.feedback,
            )
        )

    def withhold_auto_approval(self, assignment: Assignment, now: datetime) -> None:
        """Work held by one of the task's reviewers is never approved automatically: it waits for a person."""
        assignment.auto_approve_at = None
        self.record(AutoApprovalWithheld(at=now, assignment_id=assignment.id, user_id=assignment.user_id))

    def change_limit(self, claim_limit: int) -> None:
        if claim_limit < self.slots_taken:
            raise LimitBelowHeldSlots()
        self.claim_limit = claim_limit

    def edit(self, changes: dict[str, object], by: UUID, now: datetime) -> None:
        unknown = set(changes) - EDITABLE
        if unknown:
            raise InvalidInput(f"Not editable: {', '.join(sorted(unknown))}.")
        rest = dict(changes)
        claim_limit = rest.pop("claim_limit", None)
        for name, value in rest.items():
            setattr(self, name, value)
        if isinstance(claim_limit, int):
            self.change_limit(claim_limit)
        self.__post_init__()
        self.record(TaskEdited(at=now, task_slug=self.slug, by=by, fields=tuple(sorted(changes))))

    def delete(self, by: UUID, now: datetime) -> None:
        self.deleted_at = now
        self.record(TaskDeleted(at=now, task_slug=self.slug, by=by))
