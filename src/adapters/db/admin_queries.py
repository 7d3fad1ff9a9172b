"""The admin panel's read models in SQL: the dashboard in one statement, every list one statement a page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Select, func, select

from adapters.db.audit_queries import SqlAuditQueries
from adapters.db.pagination import decode_id_cursor, encode_cursor, page_limit, split_page
from adapters.db.reading import assignment_select, assignment_view, like_pattern, project_overdue, task_select
from adapters.db.tables import (
    assignments,
    email_deliveries,
    ledger_accounts,
    ledger_transfers,
    memberships,
    projects,
    tasks,
    users,
)
from application.admin_queries import AdminTaskFilters, Figures, ProjectFilters, ProjectRecord, TaskRecord
from application.paging import Page, PageRequest
from application.views import AssignmentView, copied
from domain.ledger import TREASURY, AccountKind, TransferKind
from domain.tasks import Task


def _count(*where: Any, source: Any = None) -> Any:
    query = select(func.count())
    if source is not None:
        query = query.select_from(source)
    return query.where(*where).scalar_subquery()


def _sum(column: Any, *where: Any) -> Any:
    return select(func.coalesce(func.sum(column), 0)).where(*where).scalar_subquery()


def _held(kind: AccountKind) -> Any:
    """What the accounts of one kind hold now."""
    return _sum(ledger_accounts.c.balance, ledger_accounts.c.kind == kind.value)


def _waiting() -> list[Any]:
    return [assignments.c.status == "submitted", tasks.c.deleted_at.is_(None)]


class SqlAdminQueries(SqlAuditQueries):
    async def figures(self, today: date, since: datetime) -> Figures:
        live_open = [tasks.c.deleted_at.is_(None), tasks.c.is_open.is_(True)]
        submitted = assignments.join(tasks, tasks.c.id == assignments.c.task_id)
        live_project = projects.c.deleted_at.is_(None)
        query = select(
            _count(*live_open).label("open_tasks"),
            _count(*live_open, tasks.c.slots_taken >= tasks.c.claim_limit).label("full_tasks"),
            _count(*_waiting(), source=submitted).label("submissions_waiting"),
            select(func.min(assignments.c.submitted_at))
            .select_from(submitted)
            .where(*_waiting())
            .scalar_subquery()
            .label("oldest_submission_at"),
            _sum(-ledger_accounts.c.balance, ledger_accounts.c.id == TREASURY.id).label("points_issued"),
            _held(AccountKind.WALLET).label("points_outstanding"),
            _held(AccountKind.BUDGET).label("points_in_budgets"),
            _held(AccountKind.ESCROW).label("points_in_escrows"),
            _sum(ledger_transfers.c.amount, ledger_transfers.c.kind == TransferKind.REDEMPTION.value).label(
                "points_redeemed"
            ),
            _count(email_deliveries.c.status == "failed").label("failed_deliveries"),
            _count(email_deliveries.c.status == "pending").label("pending_deliveries"),
            _count(live_project, project_overdue(today)).label("overdue_projects"),
            _count(users.c.created_at >= since).label("new_users"),
        )
        values = dict((await self.rows(query))[0]._mapping)
        oldest = values.pop("oldest_submission_at")
        return Figures(**{name: int(count) for name, count in values.items()}, oldest_submission_at=oldest)

    def _task_select(self, today: date) -> Select[Any]:
        named = task_select(today).add_columns(projects.c.name.label("project_name"))
        return named.where(tasks.c.deleted_at.is_(None))

    async def tasks(self, filters: AdminTaskFilters, page: PageRequest, today: date) -> Page[TaskRecord]:
        limit = page_limit(page)
        query = self._task_select(today)
        if filters.is_open is not None:
            query = query.where(tasks.c.is_open.is_(filters.is_open))
        if filters.full is not None:
            full = tasks.c.slots_taken >= tasks.c.claim_limit
            query = query.where(full if filters.full else ~full)
        if filters.board_only:
            query = query.where(tasks.c.project_id.is_(None))
        elif filters.project:
            query = query.where(projects.c.slug == filters.project, projects.c.deleted_at.is_(None))
        if filters.q:
            query = query.where(func.lower(tasks.c.name).like(like_pattern(filters.q), escape="\\"))
        if page.cursor:
            query = query.where(tasks.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(tasks.c.id.desc()).limit(limit + 1)), limit)
        items = [_task(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def task(self, slug: str, today: date) -> TaskRecord | None:
        rows = await self.rows(self._task_select(today).where(tasks.c.slug == slug))
        return _task(rows[0]) if rows else None

    async def assignments(
        self, *, task_id: UUID | None, user_id: UUID | None, status: str | None, page: PageRequest
    ) -> Page[AssignmentView]:
        limit = page_limit(page)
        query = assignment_select()
        if task_id is not None:
            query = query.where(assignments.c.task_id == task_id)
        if user_id is not None:
            query = query.where(assignments.c.user_id == user_id)
        if status is not None:
            query = query.where(assignments.c.status == status)
        if page.cursor:
            query = query.where(assignments.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(assignments.c.id.desc()).limit(limit + 1)), limit)
        items = [assignment_view(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    def _project_select(self, today: date) -> Select[Any]:
        members = _count(memberships.c.project_id == projects.c.id)
        open_tasks = _count(
            tasks.c.project_id == projects.c.id, tasks.c.deleted_at.is_(None), tasks.c.is_open.is_(True)
        )
        return select(
            projects.c.id,
            projects.c.slug,
            projects.c.name,
            projects.c.description,
            projects.c.status,
            projects.c.start_date,
            projects.c.due_date,
            project_overdue(today).label("is_overdue"),
            members.label("members"),
            open_tasks.label("open_tasks"),
            projects.c.created_at,
        ).where(projects.c.deleted_at.is_(None))

    async def projects(self, filters: ProjectFilters, today: date, page: PageRequest) -> Page[ProjectRecord]:
        limit = page_limit(page)
        query = self._project_select(today)
        if filters.status is not None:
            query = query.where(projects.c.status == filters.status.value)
        if filters.overdue is not None:
            overdue = project_overdue(today)
            query = query.where(overdue if filters.overdue else ~overdue)
        if filters.q:
            query = query.where(func.lower(projects.c.name).like(like_pattern(filters.q), escape="\\"))
        if page.cursor:
            query = query.where(projects.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(projects.c.id.desc()).limit(limit + 1)), limit)
        items = [_project(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def project(self, slug: str, today: date) -> ProjectRecord | None:
        rows = await self.rows(self._project_select(today).where(projects.c.slug == slug))
        return _project(rows[0]) if rows else None


def _task(row: Any) -> TaskRecord:
    values = dict(row._mapping)
    project, project_name = values.pop("project_slug"), values.pop("project_name")
    overdue = bool(values.pop("task_is_overdue"))
    return copied(TaskRecord, Task(**values), project=project, project_name=project_name, is_overdue=overdue)


def _project(row: Any) -> ProjectRecord:
    return ProjectRecord(**{**row._mapping, "is_overdue": bool(row.is_overdue)})
