"""The read models in SQL: one statement per page, whatever the page size."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, and_, exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.accounts import user_from_row
from adapters.db.admin_queries import SqlAdminQueries
from adapters.db.ledger import entry_from_row
from adapters.db.notifications import notification_from_row
from adapters.db.pagination import decode_id_cursor, decode_time_id_cursor, encode_cursor, page_limit, split_page
from adapters.db.reading import Reader, like_pattern
from adapters.db.tables import (
    assignments,
    invitations,
    ledger_entries,
    memberships,
    notifications,
    projects,
    tasks,
    users,
    wallets,
)
from application.queries import (
    AssignmentSummary,
    InvitationSummary,
    MemberSummary,
    Page,
    PageRequest,
    ProjectSummary,
    Queries,
    TaskFilters,
    TaskSummary,
    UserHistory,
)
from domain.assignments import AssignmentStatus
from domain.notifications import Notification
from domain.users import Role, User
from domain.wallets import LedgerEntry, Wallet

_TASK_COLUMNS = [
    tasks.c.id,
    tasks.c.slug,
    projects.c.slug.label("project"),
    tasks.c.name,
    tasks.c.description,
    tasks.c.points,
    tasks.c.claim_limit,
    (tasks.c.claim_limit - tasks.c.slots_taken).label("slots_left"),
    tasks.c.due_date,
    tasks.c.claim_duration_seconds,
    tasks.c.auto_approve_after_seconds,
    tasks.c.is_open,
    tasks.c.is_overdue,
    tasks.c.image_path,
    tasks.c.thumbnail_path,
    tasks.c.created_at,
]


def task_select() -> Select[Any]:
    return select(*_TASK_COLUMNS).select_from(tasks.outerjoin(projects, projects.c.id == tasks.c.project_id))


class SqlTaskQueries(Reader):
    async def available(self, user: User, q: str | None, project: str | None, page: PageRequest) -> Page[TaskSummary]:
        limit = page_limit(page)
        member_of = exists().where(memberships.c.project_id == tasks.c.project_id, memberships.c.user_id == user.id)
        visible_project = and_(projects.c.deleted_at.is_(None), projects.c.status != "completed")
        if not user.is_admin:
            visible_project = and_(visible_project, member_of)
        query = task_select().where(
            tasks.c.deleted_at.is_(None),
            tasks.c.is_open.is_(True),
            tasks.c.slots_taken < tasks.c.claim_limit,
            or_(tasks.c.project_id.is_(None), visible_project),
            ~exists().where(assignments.c.task_id == tasks.c.id, assignments.c.user_id == user.id),
        )
        if project is not None:
            query = query.where(projects.c.slug == project)
        if q:
            query = query.where(func.lower(tasks.c.name).like(like_pattern(q), escape="\\"))
        if page.cursor:
            query = query.where(tasks.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(tasks.c.id.desc()).limit(limit + 1)), limit)
        items = [TaskSummary(**row._mapping) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def summary(self, task_id: UUID) -> TaskSummary | None:
        rows = await self.rows(task_select().where(tasks.c.id == task_id))
        return TaskSummary(**rows[0]._mapping) if rows else None


_ASSIGNMENT_COLUMNS = [
    assignments.c.id,
    tasks.c.slug.label("task"),
    assignments.c.user_id.label("user"),
    assignments.c.origin,
    assignments.c.status,
    assignments.c.note,
    assignments.c.feedback,
    assignments.c.claimed_at,
    assignments.c.submitted_at,
    assignments.c.reviewed_at,
    assignments.c.expires_at,
    tasks.c.name.label("task_name"),
    users.c.full_name.label("user_name"),
]


def assignment_select() -> Select[Any]:
    return select(*_ASSIGNMENT_COLUMNS).select_from(
        assignments.join(tasks, tasks.c.id == assignments.c.task_id).join(users, users.c.id == assignments.c.user_id)
    )


class SqlAssignmentQueries(Reader):
    async def mine(self, user_id: UUID, status: AssignmentStatus | None, page: PageRequest) -> Page[AssignmentSummary]:
        limit = page_limit(page)
        query = assignment_select().where(assignments.c.user_id == user_id)
        if status is not None:
            query = query.where(assignments.c.status == status.value)
        if page.cursor:
            query = query.where(assignments.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(assignments.c.id.desc()).limit(limit + 1)), limit)
        items = [AssignmentSummary(**row._mapping) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def review_queue(self, reviewer: User, page: PageRequest) -> Page[AssignmentSummary]:
        limit = page_limit(page)
        query = assignment_select().where(
            assignments.c.status == AssignmentStatus.SUBMITTED.value,
            assignments.c.user_id != reviewer.id,
            tasks.c.deleted_at.is_(None),
        )
        if not reviewer.is_admin:
            managed = select(memberships.c.project_id).where(
                memberships.c.user_id == reviewer.id, memberships.c.role == "manager"
            )
            query = query.where(tasks.c.project_id.in_(managed))
        if page.cursor:
            submitted_at, last_id = decode_time_id_cursor(page.cursor)
            query = query.where(tuple_(assignments.c.submitted_at, assignments.c.id) > tuple_(submitted_at, last_id))
        ordered = query.order_by(assignments.c.submitted_at, assignments.c.id).limit(limit + 1)
        rows, more = split_page(await self.rows(ordered), limit)
        items = [AssignmentSummary(**row._mapping) for row in rows]
        last = items[-1] if items else None
        cursor = encode_cursor(last.submitted_at, last.id) if more and last and last.submitted_at else None
        return Page(items, cursor)

    async def summary(self, assignment_id: UUID) -> AssignmentSummary | None:
        rows = await self.rows(assignment_select().where(assignments.c.id == assignment_id))
        return AssignmentSummary(**rows[0]._mapping) if rows else None


class SqlWalletQueries(Reader):
    async def wallet(self, user_id: UUID) -> Wallet:
        rows = await self.rows(select(wallets).where(wallets.c.user_id == user_id))
        return Wallet(**rows[0]._mapping) if rows else Wallet(user_id=user_id)

    async def transactions(self, user_id: UUID, page: PageRequest) -> Page[LedgerEntry]:
        limit = page_limit(page)
        query = select(ledger_entries).where(ledger_entries.c.user_id == user_id)
        if page.cursor:
            query = query.where(ledger_entries.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(ledger_entries.c.id.desc()).limit(limit + 1)), limit)
        items = [entry_from_row(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)


class SqlNotificationQueries(Reader):
    async def list(self, user_id: UUID, unread_only: bool, page: PageRequest) -> Page[Notification]:
        limit = page_limit(page)
        query = select(notifications).where(notifications.c.user_id == user_id)
        if unread_only:
            query = query.where(notifications.c.read_at.is_(None))
        if page.cursor:
            query = query.where(notifications.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(notifications.c.id.desc()).limit(limit + 1)), limit)
        items = [notification_from_row(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def unread_count(self, user_id: UUID) -> int:
        query = select(func.count()).where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
        return int((await self.rows(query))[0][0])


class SqlUserQueries(Reader):
    async def users(
        self,
        role: Role | None,
        is_active: bool | None,
        q: str | None,
        page: PageRequest,
        joined: tuple[datetime | None, datetime | None] = (None, None),
    ) -> Page[User]:
        limit = page_limit(page)
        query = select(users)
        since, until = joined
        if since is not None:
            query = query.where(users.c.created_at >= since)
        if until is not None:
            query = query.where(users.c.created_at < until)
        if role is not None:
            query = query.where(users.c.role == role.value)
        if is_active is not None:
            query = query.where(users.c.is_active.is_(is_active))
        if q:
            pattern = like_pattern(q)
            query = query.where(
                or_(users.c.email.like(pattern, escape="\\"), func.lower(users.c.full_name).like(pattern, escape="\\"))
            )
        if page.cursor:
            query = query.where(users.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(users.c.id.desc()).limit(limit + 1)), limit)
        items = [user_from_row(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def history(self, user_id: UUID) -> UserHistory | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(users).where(users.c.id == user_id))).first()
            if row is None:
                return None
            counts = await conn.execute(
                select(assignments.c.status, func.count())
                .where(assignments.c.user_id == user_id)
                .group_by(assignments.c.status)
            )
            wallet = (await conn.execute(select(wallets).where(wallets.c.user_id == user_id))).first()
        by_status = {status.value: 0 for status in AssignmentStatus}
        by_status.update({status: int(count) for status, count in counts.all()})
        return UserHistory(
            user=user_from_row(row),
            assignments_by_status=by_status,
            points_earned=int(wallet.earned) if wallet else 0,
            points_redeemed=int(wallet.redeemed) if wallet else 0,
            balance=int(wallet.balance) if wallet else 0,
        )


_mine = memberships.alias("mine")


class SqlProjectQueries(Reader):
    def _select(self, user_id: UUID) -> Select[Any]:
        mine = _mine
        return (
            select(
                projects.c.id,
                projects.c.slug,
                projects.c.name,
                projects.c.description,
                projects.c.status,
                projects.c.start_date,
                projects.c.due_date,
                projects.c.is_overdue,
                mine.c.role.label("my_role"),
                projects.c.created_at,
            )
            .select_from(projects.outerjoin(mine, and_(mine.c.project_id == projects.c.id, mine.c.user_id == user_id)))
            .where(projects.c.deleted_at.is_(None))
        )

    async def for_user(self, user: User, page: PageRequest) -> Page[ProjectSummary]:
        limit = page_limit(page)
        query = self._select(user.id)
        if not user.is_admin:
            query = query.where(_mine.c.role.is_not(None))
        if page.cursor:
            query = query.where(projects.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(projects.c.id.desc()).limit(limit + 1)), limit)
        items = [ProjectSummary(**row._mapping) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def summary(self, project_id: UUID, user_id: UUID) -> ProjectSummary | None:
        rows = await self.rows(self._select(user_id).where(projects.c.id == project_id))
        return ProjectSummary(**rows[0]._mapping) if rows else None

    async def members(self, project_id: UUID, page: PageRequest) -> Page[MemberSummary]:
        limit = page_limit(page)
        query = (
            select(
                users.c.id.label("user_id"),
                users.c.email,
                users.c.full_name,
                memberships.c.role,
                memberships.c.created_at.label("joined_at"),
            )
            .join(users, users.c.id == memberships.c.user_id)
            .where(memberships.c.project_id == project_id)
        )
        if page.cursor:
            query = query.where(users.c.id > decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(users.c.id).limit(limit + 1)), limit)
        items = [MemberSummary(**row._mapping) for row in rows]
        return Page(items, encode_cursor(items[-1].user_id) if more else None)

    async def pending_invitations(self, project_id: UUID, now: datetime) -> list[InvitationSummary]:
        query = (
            select(
                invitations.c.id,
                invitations.c.email,
                invitations.c.role,
                invitations.c.created_at,
                invitations.c.expires_at,
            )
            .where(
                invitations.c.project_id == project_id,
                invitations.c.status == "pending",
                invitations.c.expires_at > now,
            )
            .order_by(invitations.c.created_at.desc())
            .limit(1000)
        )
        return [InvitationSummary(**row._mapping) for row in await self.rows(query)]

    async def tasks(self, project_id: UUID, filters: TaskFilters, page: PageRequest) -> Page[TaskSummary]:
        limit = page_limit(page)
        query = task_select().where(tasks.c.project_id == project_id, tasks.c.deleted_at.is_(None))
        if filters.is_open is not None:
            query = query.where(tasks.c.is_open.is_(filters.is_open))
        if filters.overdue is not None:
            query = query.where(tasks.c.is_overdue.is_(filters.overdue))
        if filters.due_before is not None:
            query = query.where(tasks.c.due_date < filters.due_before)
        if filters.due_after is not None:
            query = query.where(tasks.c.due_date > filters.due_after)
        if filters.assignee is not None:
            query = query.where(
                exists().where(
                    assignments.c.task_id == tasks.c.id,
                    assignments.c.user_id == filters.assignee,
                    assignments.c.status.in_(["in_progress", "submitted", "approved"]),
                )
            )
        if page.cursor:
            query = query.where(tasks.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(tasks.c.id.desc()).limit(limit + 1)), limit)
        items = [TaskSummary(**row._mapping) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)


def sql_queries(engine: AsyncEngine) -> Queries:
    return Queries(
        tasks=SqlTaskQueries(engine),
        assignments=SqlAssignmentQueries(engine),
        wallets=SqlWalletQueries(engine),
        notifications=SqlNotificationQueries(engine),
        users=SqlUserQueries(engine),
        projects=SqlProjectQueries(engine),
        admin=SqlAdminQueries(engine),
    )
