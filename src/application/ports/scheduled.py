"""The set-based queries behind the scheduled jobs, and the small records they answer with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from uuid import UUID


@dataclass(frozen=True)
class OverdueNotice:
    user_id: UUID
    email: str
    full_name: str
    item_kind: str  # "task" or "project"
    item_id: UUID
    item_name: str
    item_slug: str
    due_date: date


@dataclass(frozen=True)
class DigestLine:
    user_id: UUID
    email: str
    full_name: str
    task_name: str
    task_slug: str
    due_date: date
    is_overdue: bool


class ScheduledQueries(Protocol):
    """The set-based statements behind the scheduled jobs."""

    async def overdue_notices(self, today: date, now: datetime) -> list[OverdueNotice]:
        """Records and returns each notice owed for what is overdue on `today`, once ever per person, item and
        due date: the holders and managers of unfinished tasks, and the members of projects."""
        ...

    async def digest_lines(self, today: date, time_zone: str | None = None) -> list[DigestLine]:
        """What is due on `today` or overdue, for the active people of one time zone (or of every zone)."""
        ...

    async def time_zones(self) -> list[str]:
        """The distinct time zones of active accounts."""
        ...

    async def expired_claims(self, now: datetime, limit: int) -> list[UUID]: ...
    async def due_auto_approvals(self, now: datetime, limit: int) -> list[UUID]: ...
    async def purge(self, now: datetime) -> dict[str, int]: ...
