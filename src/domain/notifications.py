"""In-app notifications: what happened that a user should know about."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.ids import new_id


class NotificationKind(StrEnum):
    CLAIM_APPROVED = "claim_approved"
    CLAIM_REJECTED = "claim_rejected"
    ASSIGNED = "assigned"
    SUBMISSION_WAITING = "submission_waiting"
    CLAIM_EXPIRED = "claim_expired"
    CLAIM_RELEASED = "claim_released"
    INVITED = "invited"
    REMOVED_FROM_PROJECT = "removed_from_project"
    OVERDUE = "overdue"


@dataclass
class Notification:
    user_id: UUID
    kind: NotificationKind
    text: str
    link: str
    created_at: datetime
    read_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    def mark_read(self, now: datetime) -> None:
        if self.read_at is None:
            self.read_at = now
