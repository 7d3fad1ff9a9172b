"""The list use cases: who may ask, then one read-model query for the page."""

from __future__ import annotations

from uuid import UUID

from application.access import ensure_admin, ensure_may_review_something
from application.ports import UnitOfWorkFactory
from application.queries import AssignmentSummary, Page, PageRequest, Queries, TaskSummary, UserHistory
from domain.assignments import AssignmentStatus
from domain.errors import UserNotFound
from domain.users import Role, User


async def available_tasks(
    user: User, q: str | None, project: str | None, page: PageRequest, queries: Queries
) -> Page[TaskSummary]:
    return await queries.tasks.available(user, q.strip() if q else None, project, page)


async def my_assignments(
    user: User, status: AssignmentStatus | None, page: PageRequest, queries: Queries
) -> Page[AssignmentSummary]:
    return await queries.assignments.mine(user.id, status, page)


async def review_queue(
    user: User, page: PageRequest, queries: Queries, uow: UnitOfWorkFactory
) -> Page[AssignmentSummary]:
    async with uow() as work:
        await ensure_may_review_something(work, user)
    return await queries.assignments.review_queue(user, page)


async def users_for_admin(
    admin: User, role: Role | None, is_active: bool | None, q: str | None, page: PageRequest, queries: Queries
) -> Page[User]:
    ensure_admin(admin)
    return await queries.users.users(role, is_active, q.strip().lower() if q else None, page)


async def user_history(admin: User, user_id: UUID, queries: Queries) -> UserHistory:
    ensure_admin(admin)
    history = await queries.users.history(user_id)
    if history is None:
        raise UserNotFound()
    return history
