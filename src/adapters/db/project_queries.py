"""Read models of projects: a user's projects, members, pending invitations and a project's tasks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, Select, and_, exists, select, tuple_

from adapters.db.pagination import decode_id_cursor, decode_time_id_cursor, encode_cursor, page_limit, split_page
from adapters.db.projects import project_from_row
from adapters.db.reading import Reader, project_overdue, task_overdue, task_select, task_view
from adapters.db.tables import assignments, invitations, memberships, projects, tasks, users
from application.queries import Page, PageRequest, TaskFilters
from application.views import MemberView, PendingInvitation, ProjectView, TaskView
from domain.access import ProjectRole
from domain.users import User

_mine = memberships.alias("mine")


def project_view(row: Row[Any]) -> ProjectView:
    values = dict(row._mapping)
    role, overdue = values.pop("my_role"), values.pop("project_is_overdue")
    return ProjectView.of(project_from_row(values), None if role is None else ProjectRole(role), bool(overdue))


class SqlProjectQueries(Reader):
    def _select(self, user_id: UUID, today: date) -> Select[Any]:
        mine = _mine
        return (
            select(projects, mine.c.role.label("my_role"), project_overdue(today).label("project_is_overdue"))
            .select_from(projects.outerjoin(mine, and_(mine.c.project_id == projects.c.id, mine.c.user_id == user_id)))
            .where(projects.c.deleted_at.is_(None))
        )

    async def for_user(self, user: User, page: PageRequest, today: date) -> Page[ProjectView]:
        limit = page_limit(page)
        query = self._select(user.id, today)
        if not user.is_admin:
            query = query.where(_mine.c.role.is_not(None))
        if page.cursor:
            query = query.where(projects.c.id < decode_id_cursor(page.cursor))
        rows, more = split_page(await self.rows(query.order_by(projects.c.id.desc()).limit(limit + 1)), limit)
        items = [project_view(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)

    async def members(self, project_id: UUID, page: PageRequest) -> Page[MemberView]:
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
        items = [MemberView(**{**row._mapping, "role": ProjectRole(row.role)}) for row in rows]
        return Page(items, encode_cursor(items[-1].user_id) if more else None)

    async def pending_invitations(self, project_id: UUID, now: datetime, page: PageRequest) -> Page[PendingInvitation]:
        limit = page_limit(page)
        query = select(
            invitations.c.id,
            invitations.c.email,
            invitations.c.role,
            invitations.c.created_at,
            invitations.c.expires_at,
        ).where(
            invitations.c.project_id == project_id,
            invitations.c.status == "pending",
            invitations.c.expires_at > now,
        )
        if page.cursor:
            at, last_id = decode_time_id_cursor(page.cursor)
            query = query.where(tuple_(invitations.c.created_at, invitations.c.id) < tuple_(at, last_id))
        ordered = query.order_by(invitations.c.created_at.desc(), invitations.c.id.desc()).limit(limit + 1)
        rows, more = split_page(await self.rows(ordered), limit)
        items = [PendingInvitation(**{**row._mapping, "role": ProjectRole(row.role)}) for row in rows]
        return Page(items, encode_cursor(items[-1].created_at, items[-1].id) if more else None)

    async def tasks(self, project_id: UUID, filters: TaskFilters, page: PageRequest, today: date) -> Page[TaskView]:
        limit = page_limit(page)
        query = task_select(today).where(tasks.c.project_id == project_id, tasks.c.deleted_at.is_(None))
        if filters.is_open is not None:
            query = query.where(tasks.c.is_open.is_(filters.is_open))
        if filters.overdue is not None:
            overdue = task_overdue(today)
            query = query.where(overdue if filters.overdue else ~overdue)
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
        items = [task_view(row) for row in rows]
        return Page(items, encode_cursor(items[-1].id) if more else None)
