"""Repositories for tasks, assignments, wallets, the ledger, notifications and idempotency keys."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from adapters.db.base import TableRepository
from adapters.db.tables import assignments, idempotency_keys, ledger_entries, notifications, tasks, wallets
from application.ports.repositories import IdempotencyRecord
from domain.assignments import Assignment, AssignmentStatus, Origin
from domain.errors import ActiveClaimHeld, AlreadyClaimed, AlreadyRewarded, SlugTaken
from domain.notifications import Notification, NotificationKind
from domain.tasks import Task
from domain.wallets import EntryKind, LedgerEntry, Wallet


def _seconds(value: timedelta | None) -> int | None:
    return None if value is None else int(value.total_seconds())


def _duration(value: int | None) -> timedelta | None:
    return None if value is None else timedelta(seconds=value)


def task_from_row(row: Row[Any]) -> Task:
    values = dict(row._mapping)
    values["claim_duration"] = _duration(values.pop("claim_duration_seconds"))
    values["auto_approve_after"] = _duration(values.pop("auto_approve_after_seconds"))
    return Task(**{k: v for k, v in values.items() if k in Task.__dataclass_fields__})


class SqlTaskRepository(TableRepository[Task]):
    table = tasks
    entity = Task

    def to_row(self, obj: Task) -> dict[str, Any]:
        row = super().to_row(obj)
        row["claim_duration_seconds"] = _seconds(row.pop("claim_duration"))
        row["auto_approve_after_seconds"] = _seconds(row.pop("auto_approve_after"))
        return row

    def from_row(self, row: Row[Any]) -> Task:
        return task_from_row(row)

    async def add(self, task: Task) -> None:
        try:
            async with self._conn.begin_nested():
                await super().add(task)
        except IntegrityError as exc:
            if "uq_tasks_live_slug" in str(exc.orig) or "tasks.slug" in str(exc.orig):
                raise SlugTaken() from exc
            raise

    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Task | None:
        query = select(tasks).where(tasks.c.slug == slug, tasks.c.deleted_at.is_(None))
        return await self.first(query.with_for_update() if for_update else query)

    async def slug_taken(self, slug: str) -> bool:
        query = select(exists().where(tasks.c.slug == slug, tasks.c.deleted_at.is_(None)))
        return bool((await self._conn.execute(query)).scalar())

    async def delete_for_project(self, project_id: UUID, now: datetime) -> int:
        result = await self._conn.execute(
            update(tasks).where(tasks.c.project_id == project_id, tasks.c.deleted_at.is_(None)).values(deleted_at=now)
        )
        self._on_write()
        return int(result.rowcount)


def assignment_from_row(row: Row[Any]) -> Assignment:
    assignment = Assignment(**row._mapping)
    assignment.origin = Origin(assignment.origin)
    assignment.status = AssignmentStatus(assignment.status)
    return assignment


class SqlAssignmentRepository(TableRepository[Assignment]):
    table = assignments
    entity = Assignment

    def from_row(self, row: Row[Any]) -> Assignment:
        return assignment_from_row(row)

    async def add(self, assignment: Assignment) -> None:
        # No savepoint: a refused insert ends the unit of work, which rolls back as a whole.
        try:
            await super().add(assignment)
        except IntegrityError as exc:
            message = str(exc.orig)
            if "uq_assignments_task_user" in message or "assignments.task_id" in message:
                raise AlreadyClaimed() from exc
            raise ActiveClaimHeld() from exc

    async def find(self, task_id: UUID, user_id: UUID) -> Assignment | None:
        return await self.first(
            select(assignments).where(assignments.c.task_id == task_id, assignments.c.user_id == user_id)
        )

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
        return [assignment_from_row(row) for row in (await self._conn.execute(query)).all()]

    async def active_claim_of(self, user_id: UUID) -> Assignment | None:
        return await self.first(
            select(assignments).where(
                assignments.c.user_id == user_id,
                assignments.c.status == AssignmentStatus.IN_PROGRESS.value,
                assignments.c.origin == Origin.CLAIMED.value,
            )
        )


class SqlWalletRepository:
    def __init__(self, connection: Any) -> None:
        self._conn = connection

    async def get(self, user_id: UUID, *, for_update: bool = False) -> Wallet:
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        await self._conn.execute(
            dialect.insert(wallets)
            .values(user_id=user_id, balance=0, earned=0, redeemed=0)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        query = select(wallets).where(wallets.c.user_id == user_id)
        row = (await self._conn.execute(query.with_for_update() if for_update else query)).one()
        return Wallet(**row._mapping)

    async def update(self, wallet: Wallet) -> None:
        await self._conn.execute(
            update(wallets)
            .where(wallets.c.user_id == wallet.user_id)
            .values(balance=wallet.balance, earned=wallet.earned, redeemed=wallet.redeemed)
        )


def entry_from_row(row: Row[Any]) -> LedgerEntry:
    values = dict(row._mapping)
    values["kind"] = EntryKind(values["kind"])
    return LedgerEntry(**values)


class SqlLedgerRepository(TableRepository[LedgerEntry]):
    table = ledger_entries
    entity = LedgerEntry

    def from_row(self, row: Row[Any]) -> LedgerEntry:
        return entry_from_row(row)

    async def add(self, entry: LedgerEntry) -> None:
        try:
            await super().add(entry)
        except IntegrityError as exc:
            if "uq_ledger_one_reward" in str(exc.orig) or "ledger_entries.assignment_id" in str(exc.orig):
                raise AlreadyRewarded() from exc
            raise


def notification_from_row(row: Row[Any]) -> Notification:
    notification = Notification(**row._mapping)
    notification.kind = NotificationKind(notification.kind)
    return notification


class SqlNotificationRepository(TableRepository[Notification]):
    table = notifications
    entity = Notification

    def from_row(self, row: Row[Any]) -> Notification:
        return notification_from_row(row)

    async def add_many(self, items: list[Notification]) -> None:
        if items:
            await self._conn.execute(insert(notifications), [self.to_row(n) for n in items])

    async def mark_all_read(self, user_id: UUID, now: datetime) -> int:
        result = await self._conn.execute(
            update(notifications)
            .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
            .values(read_at=now)
        )
        return int(result.rowcount)


class SqlIdempotencyRepository:
    def __init__(self, connection: Any) -> None:
        self._conn = connection

    async def get(self, user_id: UUID, key: str) -> IdempotencyRecord | None:
        row = (
            await self._conn.execute(
                select(idempotency_keys).where(idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key)
            )
        ).first()
        return None if row is None else IdempotencyRecord(**row._mapping)

    async def add(self, record: IdempotencyRecord) -> None:
        await self._conn.execute(
            insert(idempotency_keys).values(
                user_id=record.user_id,
                key=record.key,
                request_digest=record.request_digest,
                result_ref=record.result_ref,
                created_at=record.created_at,
            )
        )
