"""The assignment repository: claims and assignments, refused as the unique indexes refuse them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, bindparam, or_, select

from adapters.db.base import TableRepository
from adapters.db.tables import assignments, reviews, tasks
from domain.assignments import Assignment, AssignmentStatus, Origin, ReviewRecord

_OF_TASK_AND_USER = select(assignments).where(
    assignments.c.task_id == bindparam("task_id"), assignments.c.user_id == bindparam("user_id")
)
_ACTIVE_CLAIM = and_(
    assignments.c.status == AssignmentStatus.IN_PROGRESS.value, assignments.c.origin == Origin.CLAIMED.value
)
_IN_THE_WAY = (
    select(assignments)
    .where(
        assignments.c.user_id == bindparam("user_id"), or_(assignments.c.task_id == bindparam("task_id"), _ACTIVE_CLAIM)
    )
    .limit(2)
)


def assignment_from_row(row: Row[Any] | Mapping[str, Any]) -> Assignment:
    assignment = Assignment(**(row._mapping if isinstance(row, Row) else row))
    assignment.origin = Origin(assignment.origin)
    assignment.status = AssignmentStatus(assignment.status)
    return assignment


class SqlAssignmentRepository(TableRepository[Assignment]):
    table = assignments
    entity = Assignment

    def from_row(self, row: Row[Any]) -> Assignment:
        return assignment_from_row(row)

    async def find(self, task_id: UUID, user_id: UUID) -> Assignment | None:
        return await self.first(_OF_TASK_AND_USER, {"task_id": task_id, "user_id": user_id})

    async def open_claims(
        self, *, task_id: UUID | None = None, project_id: UUID | None = None, user_id: UUID | None = None
    ) -> list[Assignment]:
        query = (
            select(assignments)
            .join(tasks, tasks.c.id == assignments.c.task_id)
            .where(assignments.c.status == AssignmentStatus.IN_PROGRESS.value)
        )
        for column, value in (
            (tasks.c.id, task_id),
            (tasks.c.project_id, project_id),
            (assignments.c.user_id, user_id),
        ):
            if value is not None:
                query = query.where(column == value)
        return await self.all(query)

    async def claims_in_the_way(self, task_id: UUID, user_id: UUID) -> list[Assignment]:
        return await self.all(_IN_THE_WAY, {"task_id": task_id, "user_id": user_id})

    async def active_claim_of(self, user_id: UUID) -> Assignment | None:
        return await self.first(
            select(assignments).where(
                assignments.c.user_id == user_id,
                assignments.c.status == AssignmentStatus.IN_PROGRESS.value,
                assignments.c.origin == Origin.CLAIMED.value,
            )
        )


class SqlReviewRepository(TableRepository[ReviewRecord]):
    table = reviews
    entity = ReviewRecord

    def from_row(self, row: Row[Any]) -> ReviewRecord:
        values = dict(row._mapping)
        return ReviewRecord(**{**values, "status": AssignmentStatus(values["status"]), "points": int(values["points"])})

    async def of(self, assignment_id: UUID) -> list[ReviewRecord]:
        query = select(reviews).where(reviews.c.assignment_id == assignment_id).order_by(reviews.c.at, reviews.c.id)
        return await self.all(query)
