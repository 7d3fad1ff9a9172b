"""Who may see and review what: the public board is everyone's, a project's tasks are its members'."""

from __future__ import annotations

from enum import StrEnum

from domain.errors import ReviewerCannotEarn
from domain.tasks import Task
from domain.users import Role, User


class ProjectRole(StrEnum):
    MANAGER = "manager"
    MEMBER = "member"


def can_view_task(user: User, task: Task, project_role: ProjectRole | None) -> bool:
    if task.is_deleted:
        return False
    if task.project_id is None or user.is_admin:
        return True
    return project_role is not None


def can_review_task(user: User, task: Task, project_role: ProjectRole | None) -> bool:
    """Reviewer of a task = an admin, or a manager of the task's project."""
    if not can_view_task(user, task, project_role):
        return False
    return user.is_admin or (task.project_id is not None and project_role is ProjectRole.MANAGER)


def can_view_project(user: User, project_deleted: bool, project_role: ProjectRole | None) -> bool:
    return not project_deleted and (user.is_admin or project_role is not None)


def can_manage_project(user: User, project_deleted: bool, project_role: ProjectRole | None) -> bool:
    return not project_deleted and (user.is_admin or project_role is ProjectRole.MANAGER)


def can_create_project(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.MANAGER)


def ensure_can_earn(user: User, task: Task, project_role: ProjectRole | None) -> None:
    """Nobody earns points on work they could review: a reviewer may not claim, be assigned or be approved."""
    if can_review_task(user, task, project_role):
        raise ReviewerCannotEarn()
