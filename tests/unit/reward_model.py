"""The model the reward state machine predicts with: people, tasks and assignments as plain records."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.assignments import SLOT_HOLDING, AssignmentStatus
from domain.errors import DomainError
from domain.users import Role, User
from tests.fakes.store import FakeUnitOfWorkFactory

S = AssignmentStatus
Outcome = type[DomainError] | None
ALLOWED_STEPS = {
    (S.IN_PROGRESS, S.SUBMITTED),
    (S.IN_PROGRESS, S.RELEASED),
    (S.IN_PROGRESS, S.EXPIRED),
    (S.SUBMITTED, S.APPROVED),
    (S.SUBMITTED, S.REJECTED),
    (S.REJECTED, S.APPROVED),
}
ADMIN, MEMBERS = 0, 3
MANAGER = MEMBERS + 1  # manages the one project, whose members are the members


def seed_users(uow: FakeUnitOfWorkFactory, now: datetime) -> list[User]:
    people = [("root@example.com", Role.ADMIN)] + [(f"m{i}@example.com", Role.MEMBER) for i in range(1, MEMBERS + 1)]
    people.append(("boss@example.com", Role.MANAGER))
    users = [User(email, email.split("@")[0], role, "irrelevant", now) for email, role in people]
    uow.store.users.update({u.id: copy.deepcopy(u) for u in users})
    return users


@dataclass
class ModelAssignment:
    task_id: UUID
    user_id: UUID
    status: S
    expires_at: datetime | None
    auto_approve_at: datetime | None = None
    reviewed_at: datetime | None = None
    reviewer_id: UUID | None = None
    paid: int = 0  # the task's points when it was approved
    history: list[tuple[S, UUID | None]] = field(default_factory=list)

    @property
    def holds_slot(self) -> bool:
        return self.status in SLOT_HOLDING


@dataclass
class ModelTask:
    slug: str
    in_project: bool
    points: int
    claim_limit: int
    claim_duration_seconds: int | None
    auto_approve_after_seconds: int | None
    is_open: bool = True
    deleted: bool = False

    def edited(self, changes: dict[str, Any]) -> ModelTask:
        return replace(self, **changes)

    def escrow_needed(self, assignments: list[ModelAssignment]) -> int:
        """Points for every slot an approval could still draw: every slot not approved while open, the held ones
        once closed, none once deleted."""
        approved = sum(a.status is S.APPROVED for a in assignments)
        held = sum(a.status in (S.IN_PROGRESS, S.SUBMITTED) for a in assignments)
        if self.deleted:
            return 0
        return self.points * (self.claim_limit - approved if self.is_open else held)


@dataclass(frozen=True)
class Redemption:
    points: int
    note: str
    transfer_id: UUID
    balance: int
