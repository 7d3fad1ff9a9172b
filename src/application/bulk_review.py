"""Approving many submissions at once: each goes through the one approval use case, and each gets its answer."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application.access import ensure_admin
from application.assignments import Review, approve
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWorkFactory
from domain.errors import DomainError, InvalidInput
from domain.users import User

MAX_BULK = 100


@dataclass(frozen=True)
class ReviewOutcome:
    assignment_id: UUID
    label: str  # which work it was, as a person reads it
    approved: bool
    reason: str = ""  # why it was refused


async def _label(uow: UnitOfWorkFactory, assignment_id: UUID) -> str:
    async with uow() as work:
        assignment = await work.assignments.get(assignment_id)
        task = await work.tasks.get(assignment.task_id) if assignment else None
        member = await work.users.get(assignment.user_id) if assignment else None
    if task is None or member is None:
        return "A submission that no longer exists"
    return f"“{task.name}” by {member.full_name}"


async def approve_many(
    assignment_ids: list[UUID], admin: User, uow: UnitOfWorkFactory, clock: Clock
) -> list[ReviewOutcome]:
    """One transaction per approval, so one refusal (already reviewed, own work) leaves the others approved."""
    ensure_admin(admin)
    chosen = list(dict.fromkeys(assignment_ids))
    if not chosen:
        raise InvalidInput("Tick at least one submission to approve.", field="assignment_id")
    if len(chosen) > MAX_BULK:
        raise InvalidInput(f"Approve at most {MAX_BULK} submissions at a time.", field="assignment_id")
    outcomes = []
    for assignment_id in chosen:
        label = await _label(uow, assignment_id)
        try:
            await approve(Review(assignment_id), admin, uow, clock)
        except DomainError as exc:
            outcomes.append(ReviewOutcome(assignment_id, label, approved=False, reason=exc.detail))
        else:
            outcomes.append(ReviewOutcome(assignment_id, label, approved=True))
    return outcomes
