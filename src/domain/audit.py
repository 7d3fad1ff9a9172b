"""The audit trail of security and money events: who did what to whom, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.ids import new_id


@dataclass(frozen=True)
class AuditEntry:
    action: str
    at: datetime
    actor_id: UUID | None = None
    subject: str | None = None
    detail: str = ""
    id: UUID = field(default_factory=new_id)
