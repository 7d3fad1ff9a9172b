"""Projects and their members: managers run them, members work in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

from domain.access import ProjectRole
from domain.errors import InvalidInput, LastManager
from domain.events import Aggregate, MemberRemoved, ProjectDeleted
from domain.ids import new_id
from domain.text import check_single_line

MAX_PROJECT_NAME = 200
MAX_PROJECT_DESCRIPTION = 10_000
# Static path segments of the tracker's alias routes; a project may not be named like them.
RESERVED_SLUGS = frozenset({"create"})


class ProjectStatus(StrEnum):
    ACTIVE = "active"
    ON_HOLD = "on_hold"
    COMPLETED = "completed"


@dataclass
class Project(Aggregate):
    slug: str
    name: str
    created_by: UUID
    created_at: datetime
    description: str = ""
    status: ProjectStatus = ProjectStatus.ACTIVE
    start_date: date | None = None
    due_date: date | None = None
    deleted_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if not self.name.strip() or len(self.name) > MAX_PROJECT_NAME:
            raise InvalidInput(f"The name must be 1 to {MAX_PROJECT_NAME} characters.", field="name")
        check_single_line(self.name, "name", "project name")
        if len(self.description) > MAX_PROJECT_DESCRIPTION:
            raise InvalidInput("The description is too long.", field="description")
        if self.start_date and self.due_date and self.due_date < self.start_date:
            raise InvalidInput("The due date cannot be before the start date.", field="due_date")

    @property
    def accepts_work(self) -> bool:
        return self.deleted_at is None and self.status is not ProjectStatus.COMPLETED

    def is_overdue_on(self, today: date) -> bool:
        """Due before `today` (local) and neither completed nor deleted."""
        return self.due_date is not None and self.due_date < today and self.accepts_work

    def edit(self, changes: dict[str, object]) -> None:
        for name, value in changes.items():
            if name not in ("name", "description", "status", "start_date", "due_date"):
                raise InvalidInput(f"{name} cannot be edited.", field=name)
            setattr(self, name, ProjectStatus(str(value)) if name == "status" else value)
        self.__post_init__()

    def delete(self, by: UUID, now: datetime) -> None:
        self.deleted_at = now
        self.record(ProjectDeleted(at=now, project_slug=self.slug, by=by))

    def remove_member(self, user_id: UUID, role: ProjectRole, managers: int, by: UUID, now: datetime) -> None:
        """A project keeps at least one manager."""
        if role is ProjectRole.MANAGER and managers <= 1:
            raise LastManager()
        self.record(MemberRemoved(at=now, project_name=self.name, project_slug=self.slug, user_id=user_id, by=by))


@dataclass
class Membership:
    project_id: UUID
    user_id: UUID
    role: ProjectRole
    created_at: datetime
