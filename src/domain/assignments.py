"""Assignments (claims): the state machine a piece of work goes through, from claim to review."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.errors import InvalidInput, OwnSubmission, WrongState
from domain.ids import new_id

OVERTURN_WINDOW = timedelta(days=30)
MAX_NOTE_LENGTH = 5000


class AssignmentStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    RELEASED = "released"
    EXPIRED = "expired"


class Origin(StrEnum):
    CLAIMED = "claimed"
    ASSIGNED = "assigned"


SLOT_HOLDING = frozenset({AssignmentStatus.IN_PROGRESS, AssignmentStatus.SUBMITTED, AssignmentStatus.APPROVED})


@dataclass(frozen=True)
class ReviewRecord:
    """One review of an assignment, kept for good: an overturned rejection stays in the history."""

    assignment_id: UUID
    status: AssignmentStatus  # approved or rejected
    reviewer_id: UUID | None  # None: the auto-approve job
    feedback: str
    points: int  # what the approval paid (0 for a rejection)
    at: datetime
    id: UUID = field(default_factory=new_id)


@dataclass
class Assignment:
    task_id: UUID
    user_id: UUID
    origin: Origin
    claimed_at: datetime
    status: AssignmentStatus = AssignmentStatus.IN_PROGRESS
    expires_at: datetime | None = None
    note: str = ""
    feedback: str = ""
    reviewer_id: UUID | None = None
    assigned_by: UUID | None = None
    submitted_at: datetime | None = None
    reviewed_at: datetime | None = None
    ended_at: datetime | None = None
    auto_approve_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @property
    def holds_slot(self) -> bool:
        return self.status in SLOT_HOLDING

    @property
    def is_active_claim(self) -> bool:
        """The one a member must finish before claiming another (reviewer assignments do not count)."""
        return self.status is AssignmentStatus.IN_PROGRESS and self.origin is Origin.CLAIMED

    def _require(self, *allowed: AssignmentStatus) -> None:
        if self.status not in allowed:
            raise WrongState(f"The assignment is {self.status.value}.")

    def submit(self, note: str, now: datetime, auto_approve_at: datetime | None = None) -> None:
        self._require(AssignmentStatus.IN_PROGRESS)
        if len(note) > MAX_NOTE_LENGTH:
            raise InvalidInput(f"The note may be at most {MAX_NOTE_LENGTH} characters.", field="note")
        self.status = AssignmentStatus.SUBMITTED
        self.note = note.strip()
        self.submitted_at = now
        self.auto_approve_at = auto_approve_at

    def release(self, now: datetime) -> None:
        self._require(AssignmentStatus.IN_PROGRESS)
        self.status = AssignmentStatus.RELEASED
        self.ended_at = now

    def expire(self, now: datetime) -> None:
        self._require(AssignmentStatus.IN_PROGRESS)
        if self.expires_at is None or now < self.expires_at:
            raise WrongState("The claim has not run out yet.")
        self.status = AssignmentStatus.EXPIRED
        self.ended_at = now

    def _review(self, reviewer_id: UUID | None, feedback: str, now: datetime) -> None:
        if reviewer_id is not None and reviewer_id == self.user_id:
            raise OwnSubmission()
        if len(feedback) > MAX_NOTE_LENGTH:
            raise InvalidInput(f"Feedback may be at most {MAX_NOTE_LENGTH} characters.", field="feedback")
        self.reviewer_id = reviewer_id
        self.feedback = feedback.strip()
        self.reviewed_at = now

    def approve(self, reviewer_id: UUID | None, feedback: str, now: datetime) -> None:
        """`reviewer_id` None means the auto-approve job."""
        self._require(AssignmentStatus.SUBMITTED)
        self._review(reviewer_id, feedback, now)
        self.status = AssignmentStatus.APPROVED

    def reject(self, reviewer_id: UUID, feedback: str, now: datetime) -> None:
        self._require(AssignmentStatus.SUBMITTED)
        if not feedback.strip():
            raise InvalidInput("Say why the submission is rejected.", field="feedback")
        self._review(reviewer_id, feedback, now)
        self.status = AssignmentStatus.REJECTED

    def last_review(self, points: int) -> ReviewRecord:
        """The review just made, as the history keeps it."""
        assert self.reviewed_at is not None, "only a reviewed assignment has a review"
        assert self.status in (AssignmentStatus.APPROVED, AssignmentStatus.REJECTED)
        paid = points if self.status is AssignmentStatus.APPROVED else 0
        return ReviewRecord(self.id, self.status, self.reviewer_id, self.feedback, paid, self.reviewed_at)

    def can_overturn(self, now: datetime) -> bool:
        return (
            self.status is AssignmentStatus.REJECTED
            and self.reviewed_at is not None
            and now - self.reviewed_at <= OVERTURN_WINDOW
        )

    def overturn(self, reviewer_id: UUID, feedback: str, now: datetime) -> None:
        """A rejection turned into an approval, within 30 days of the rejection."""
        if not self.can_overturn(now):
            raise WrongState("Only a rejection of the last 30 days can be overturned.")
        self._review(reviewer_id, feedback, now)
        self.status = AssignmentStatus.APPROVED
