"""Fake repositories of tasks, assignments, reviews, notifications and idempotency keys.

Each refuses what the database's constraints refuse, with the domain error the SQL adapter raises.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from application.ports.ledger import IdempotencyRecord
from domain.access import ProjectRole
from domain.assignments import Assignment, AssignmentStatus, Origin, ReviewRecord
from domain.errors import ActiveClaimHeld, AlreadyClaimed, SlugTaken, TaskClosed, TaskFull
from domain.notifications import Notification
from domain.tasks import Task
from tests.fakes.base import FakeRepository, Track
from tests.fakes.projects import live_role
from tests.fakes.store import Tables


class FakeTaskRepository(FakeRepository):
    table = "tasks"

    async def add(self, obj: Task) -> None:
        if await self.slug_taken(obj.slug):
            raise SlugTaken()
        await super().add(obj)

    async def update(self, obj: Task) -> None:
        if not 0 <= obj.slots_taken <= obj.claim_limit:
            raise TaskFull()  # as the database's CHECK refuses it
        assert 0 <= obj.approved_slots <= obj.slots_taken, "the database's CHECK refuses it"
        await super().update(obj)

    async def locked_with_assignment(self, assignment_id: UUID) -> tuple[Task, Assignment] | None:
        assignment = self.t.get("assignments", assignment_id)
        if assignment is None:
            return None
        handed: Assignment = self.out(assignment)
        return self.out(self.t.get(self.table, assignment.task_id)), handed

    async def of_assignment(self, assignment_id: UUID, *, for_update: bool = False) -> Task | None:
        assignment = self.t.get("assignments", assignment_id)
        found: Task | None = self.out(self.t.get(self.table, assignment.task_id)) if assignment else None
        return found

    async def live_in_project(self, project_id: UUID) -> list[Task]:
        live = self.where(lambda t: t.project_id == project_id and t.deleted_at is None)
        return [self.out(t) for t in sorted(live, key=lambda t: t.id)]

    async def take_slot(self, task: Task) -> None:
        stored: Task = self.t.get(self.table, task.id)
        if not stored.is_open or stored.deleted_at is not None:
            raise TaskClosed()
        if stored.slots_taken >= stored.claim_limit:
            raise TaskFull()
        self.t.put(self.table, task.id, replace(stored, slots_taken=stored.slots_taken + 1))
        task.slots_taken = stored.slots_taken + 1

    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Task | None:
        found: Task | None = self.first(lambda t: t.slug == slug and t.deleted_at is None)
        return found

    async def get_by_slug_with_role(self, slug: str, user_id: UUID) -> tuple[Task, ProjectRole | None] | None:
        task = await self.get_by_slug(slug)
        return None if task is None else (task, live_role(self.t, task.project_id, user_id))

    async def slug_taken(self, slug: str) -> bool:
        return bool(self.where(lambda t: t.slug == slug and t.deleted_at is None))

    async def delete_for_project(self, project_id: UUID, now: datetime) -> int:
        live: list[Task] = self.where(lambda t: t.project_id == project_id and t.deleted_at is None)
        for task in live:
            self.t.put(self.table, task.id, replace(task, deleted_at=now))
        return len(live)


def _is_active_claim(a: Assignment) -> bool:
    return a.status is AssignmentStatus.IN_PROGRESS and a.origin is Origin.CLAIMED


class FakeAssignmentRepository(FakeRepository):
    table = "assignments"

    async def add(self, obj: Assignment) -> None:
        if self.where(lambda a: a.task_id == obj.task_id and a.user_id == obj.user_id):
            raise AlreadyClaimed()
        if _is_active_claim(obj) and self.where(lambda a: a.user_id == obj.user_id and _is_active_claim(a)):
            raise ActiveClaimHeld()
        await super().add(obj)

    async def find(self, task_id: UUID, user_id: UUID) -> Assignment | None:
        found: Assignment | None = self.first(lambda a: a.task_id == task_id and a.user_id == user_id)
        return found

    async def claims_in_the_way(self, task_id: UUID, user_id: UUID) -> list[Assignment]:
        rows = self.where(lambda a: a.user_id == user_id and (a.task_id == task_id or _is_active_claim(a)))
        return [self.out(a) for a in rows]

    async def active_claim_of(self, user_id: UUID) -> Assignment | None:
        found: Assignment | None = self.first(lambda a: a.user_id == user_id and _is_active_claim(a))
        return found

    async def open_claims(
        self, *, task_id: UUID | None = None, project_id: UUID | None = None, user_id: UUID | None = None
    ) -> list[Assignment]:
        def matches(a: Assignment) -> bool:
            project = self.t.get("tasks", a.task_id).project_id
            return (
                a.status is AssignmentStatus.IN_PROGRESS
                and task_id in (None, a.task_id)
                and user_id in (None, a.user_id)
                and project_id in (None, project)
            )

        return [self.out(a) for a in self.where(matches)]


class FakeReviewRepository(FakeRepository):
    table = "reviews"

    async def of(self, assignment_id: UUID) -> list[ReviewRecord]:
        mine: list[ReviewRecord] = self.where(lambda r: r.assignment_id == assignment_id)
        return sorted(mine, key=lambda r: (r.at, r.id))


class FakeNotificationRepository(FakeRepository):
    table = "notifications"

    async def add_many(self, items: list[Notification]) -> None:
        for item in items:
            await self.add(item)

    async def mark_all_read(self, user_id: UUID, now: datetime) -> int:
        unread: list[Notification] = self.where(lambda n: n.user_id == user_id and n.read_at is None)
        for notification in unread:
            self.t.put(self.table, notification.id, replace(notification, read_at=now))
        return len(unread)


class FakeIdempotencyRepository:
    def __init__(self, tables: Tables, track: Track | None = None) -> None:
        self.t = tables

    async def get(self, user_id: UUID, key: str) -> IdempotencyRecord | None:
        found: IdempotencyRecord | None = self.t.get("idempotency", (user_id, key))
        return found

    async def add(self, record: IdempotencyRecord) -> None:
        assert self.t.get("idempotency", (record.user_id, record.key)) is None, "the primary key refuses it"
        self.t.put("idempotency", (record.user_id, record.key), record)
