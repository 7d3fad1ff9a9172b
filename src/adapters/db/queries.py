"""Read models of tasks and assignments: one statement per page, whatever the page size; and all read models."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import and_, exists, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from adapters.db.account_queries import SqlLedgerQueries, SqlNotificationQueries, SqlUserQueries, SqlWalletQueries
from adapters.db.admin_queries import SqlAdminQueries
from adapters.db.ledger_checks import SqlLedgerChecks
from adapters.db.pagination import decode_id_cursor, decode_time_id_cursor, encode_cursor, page_limit, split_page
from adapters.db.project_queries import SqlProjectQueries
from adapters.db.reading import Reader, assignment_select, assignment_view, like_pattern, task_select, task_view
from adapters.db.tables import assignments, memberships, projects, reviews, tasks, users
from application.queries import Page, PageRequest, Queries
from application.views import AssignmentView, ReviewView, TaskView
from domain.assignments import AssignmentStatus
from domain.users import User


class SqlTaskQueries(Reader):
    async def available(
        self, user: User, q: str | None, project: str | None, page: PageRequest, today: date
    ) -> Page[TaskView]:
        limit = page_limit(page)
        if user.is_admin:
            return Page([], None)  # admins review every task, so they may claim none
        # A member of the project may claim its tasks, unless they manage it (and so review them).
        member_of = exists().where(
            memberships.c.project_id == tasks.c.project_id,
            memberships.c.user_id == user.id,
            memberships.c.role != "manager",
        )
        visible_project = and_(projects.c.deleted_at.is_(None), projects.c.status != "completed", member_of)
        query = task_select(today).where(
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
        items = [task_view(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)


class SqlAssignmentQueries(Reader):
    async def mine(self, user_id: UUID, status: AssignmentStatus | None, page: PageRequest) -> Page[AssignmentView]:
        limit = page_limit(page)
        query = assignment_select().where(assignments.c.user_id == user_id)
        if status is not None:
            query = query.where(assignments.c.status == status.value)
        if page.cursor:
            query = query.where(assignments.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(assignments.c.id.desc()).limit(limit + 1)), limit)
        items = [assignment_view(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def review_queue(self, reviewer: User, page: PageRequest) -> Page[AssignmentView]:
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
        items = [assignment_view(row) for row in rows]
        last = items[-1] if items else None
        cursor = encode_cursor(last.submitted_at, last.id) if more and last and last.submitted_at else None
        return Page(items, cursor)

    async def histories(self, assignment_ids: list[UUID]) -> dict[UUID, list[ReviewView]]:
        if not assignment_ids:
            return {}
        named = reviews.outerjoin(users, users.c.id == reviews.c.reviewer_id)
        query = (
            select(reviews, users.c.full_name.label("reviewer_name"))
            .select_from(named)
            .where(reviews.c.assignment_id.in_(assignment_ids))
            .order_by(reviews.c.at, reviews.c.id)
        )
        found: dict[UUID, list[ReviewView]] = {}
        for r in await self.rows(query):
            view = ReviewView(AssignmentStatus(r.status), r.reviewer_id, r.at, r.feedback, r.reviewer_name or "")
            found.setdefault(r.assignment_id, []).append(view)
        return found


def sql_queries(engine: AsyncEngine) -> Queries:
    return Queries(
        tasks=SqlTaskQueries(engine),
        assignments=SqlAssignmentQueries(engine),
        wallets=SqlWalletQueries(engine),
        notifications=SqlNotificationQueries(engine),
        users=SqlUserQueries(engine),
        projects=SqlProjectQueries(engine),
        admin=SqlAdminQueries(engine),
        ledger=SqlLedgerQueries(engine),
        checks=SqlLedgerChecks(engine),
    )
