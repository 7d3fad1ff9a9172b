"""Invitations: a single-use, 48-hour token sent to one email address to join one project."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from uuid import UUID

from domain.access import ProjectRole
from domain.errors import InvitationGone
from domain.events import Aggregate
from domain.ids import new_id

INVITATION_LIFETIME = timedelta(hours=48)
MAX_EMAILS_PER_INVITE = 50


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass
class Invitation(Aggregate):
    project_id: UUID
    email: str
    role: ProjectRole
    invited_by: UUID
    token_digest: str
    created_at: datetime
    expires_at: datetime
    status: InvitationStatus = InvitationStatus.PENDING
    ended_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def send(
        cls, project_id: UUID, email: str, role: ProjectRole, invited_by: UUID, token_digest: str, now: datetime
    ) -> Invitation:
        return cls(project_id, email, role, invited_by, token_digest, now, now + INVITATION_LIFETIME)

    def state(self, now: datetime) -> InvitationStatus:
        if self.status is InvitationStatus.PENDING and now >= self.expires_at:
            return InvitationStatus.EXPIRED
        return self.status

    def ensure_usable(self, now: datetime) -> None:
        if self.state(now) is not InvitationStatus.PENDING:
            raise InvitationGone(f"This invitation is {self.state(now).value}.")

    def renew(self, role: ProjectRole, invited_by: UUID, token_digest: str, now: datetime) -> None:
        """Re-inviting a pending address: a new token replaces the old one, which stops working."""
        self.ensure_usable(now)
        self.role = role
        self.invited_by = invited_by
        self.token_digest = token_digest
        self.created_at = now
        self.expires_at = now + INVITATION_LIFETIME

    def accept(self, now: datetime) -> None:
        self.ensure_usable(now)
        self.status = InvitationStatus.ACCEPTED
        self.ended_at = now

    def revoke(self, now: datetime) -> None:
        self.ensure_usable(now)
        self.status = InvitationStatus.REVOKED
        self.ended_at = now
