"""Project paths: projects, members, invitations and the project's tasks."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from application import invitations, listing, projects, tasks
from application.queries import TaskFilters
from domain.access import ProjectRole
from domain.errors import ProjectNotFound
from domain.projects import ProjectStatus
from entrypoints.http.controllers.common import (
    BEARER,
    ContainerDep,
    CurrentUser,
    CursorParam,
    LimitParam,
    SlugParam,
    page_of,
)
from entrypoints.http.controllers.tasks import task_command, task_out
from entrypoints.http.schemas.projects import (
    InvitationOut,
    InviteIn,
    InviteOut,
    InviteResultOut,
    MemberOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
)
from entrypoints.http.schemas.work import PageOut, TaskIn, TaskOut

Container = Any


async def project_out(container: Container, project_id: UUID, user_id: UUID) -> ProjectOut:
    summary = await container.queries.projects.summary(project_id, user_id)
    if summary is None:
        raise ProjectNotFound()
    return ProjectOut.of(summary)


async def create_project(data: ProjectIn, container: Container, user: Any) -> ProjectOut:
    cmd = projects.CreateProject(
        data.name, data.description, ProjectStatus(data.status), data.start_date, data.due_date
    )
    project = await projects.create_project(cmd, user, container.uow, container.clock)
    return await project_out(container, project.id, user.id)


async def project_detail(slug: str, container: Container, user: Any) -> ProjectOut:
    project, _ = await projects.get_project(slug, user, container.uow)
    return await project_out(container, project.id, user.id)


async def edit_project(slug: str, data: ProjectPatch, container: Container, user: Any) -> ProjectOut:
    project = await projects.edit_project(
        projects.EditProject(slug, data.changes()), user, container.uow, container.clock
    )
    return await project_out(container, project.id, user.id)


async def invite(slug: str, data: InviteIn, container: Container, user: Any) -> Response[InviteOut]:
    cmd = invitations.Invite(slug, list(data.emails), ProjectRole(data.role))
    outcomes = await invitations.invite(cmd, user, container.uow, container.clock)
    results = [
        InviteResultOut(o.email, 409 if o.outcome == "already_member" else 201, o.outcome, o.invitation_id)
        for o in outcomes
    ]
    status = 201 if any(r.status == 201 for r in results) else 409
    return Response(InviteOut(results), status_code=status)


async def create_task(slug: str, data: TaskIn, container: Container, user: Any) -> TaskOut:
    task = await tasks.create_project_task(slug, task_command(data), user, container.uow, container.clock)
    return await task_out(container, task.id)


async def task_list(
    slug: str, container: Container, user: Any, filters: TaskFilters, limit: int, cursor: str | None
) -> PageOut[TaskOut]:
    page = await listing.project_tasks(
        slug, user, filters, page_of(limit, cursor), container.queries, container.cache, container.uow
    )
    return PageOut([TaskOut.of(t) for t in page.items], page.next_cursor)


def task_filters(
    status: Annotated[str | None, QueryParameter(pattern="^(open|closed)$")] = None,
    assignee: FromQuery[UUID | None] = None,
    due_before: FromQuery[date | None] = None,
    due_after: FromQuery[date | None] = None,
    overdue: FromQuery[bool | None] = None,
) -> TaskFilters:
    return TaskFilters(None if status is None else status == "open", assignee, due_before, due_after, overdue)


Filters = NamedDependency[TaskFilters]


class ProjectController(Controller):
    path = "/api/projects"
    tags = ["projects"]
    security = BEARER
    dependencies = {"filters": Provide(task_filters, sync_to_thread=False)}

    @get("/")
    async def list_mine(
        self, container: ContainerDep, current_user: CurrentUser, limit: LimitParam = 20, cursor: CursorParam = None
    ) -> PageOut[ProjectOut]:
        page = await listing.my_projects(current_user, page_of(limit, cursor), container.queries, container.cache)
        return PageOut([ProjectOut.of(p) for p in page.items], page.next_cursor)

    @post("/")
    async def create(self, data: JSONBody[ProjectIn], container: ContainerDep, current_user: CurrentUser) -> ProjectOut:
        return await create_project(data, container, current_user)

    @get("/{slug:str}/")
    async def detail(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> ProjectOut:
        return await project_detail(slug, container, current_user)

    @patch("/{slug:str}/")
    async def edit(
        self, slug: SlugParam, data: JSONBody[ProjectPatch], container: ContainerDep, current_user: CurrentUser
    ) -> ProjectOut:
        return await edit_project(slug, data, container, current_user)

    @delete("/{slug:str}/")
    async def remove(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> None:
        await projects.delete_project(slug, current_user, container.uow, container.clock)

    @get("/{slug:str}/members/")
    async def members(
        self,
        slug: SlugParam,
        container: ContainerDep,
        current_user: CurrentUser,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
    ) -> PageOut[MemberOut]:
        project, _ = await projects.get_project(slug, current_user, container.uow)
        page = await container.queries.projects.members(project.id, page_of(limit, cursor))
        return PageOut([MemberOut.of(m) for m in page.items], page.next_cursor)

    @delete("/{slug:str}/members/{user_id:uuid}/")
    async def remove_member(
        self, slug: SlugParam, user_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> None:
        await projects.remove_member(slug, user_id, current_user, container.uow, container.clock)

    @get("/{slug:str}/invites/")
    async def pending_invites(
        self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser
    ) -> list[InvitationOut]:
        pending = await listing.pending_invitations(
            slug, current_user, container.queries, container.uow, container.clock
        )
        return [InvitationOut.of(i) for i in pending]

    @post("/{slug:str}/invites/")
    async def invite(
        self, slug: SlugParam, data: JSONBody[InviteIn], container: ContainerDep, current_user: CurrentUser
    ) -> Response[InviteOut]:
        return await invite(slug, data, container, current_user)

    @delete("/{slug:str}/invites/{invitation_id:uuid}/")
    async def revoke_invite(
        self, slug: SlugParam, invitation_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> None:
        await invitations.revoke_invitation(slug, invitation_id, current_user, container.uow, container.clock)

    @get("/{slug:str}/tasks/")
    async def tasks(
        self,
        slug: SlugParam,
        container: ContainerDep,
        current_user: CurrentUser,
        filters: Filters,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
    ) -> PageOut[TaskOut]:
        return await task_list(slug, container, current_user, filters, limit, cursor)

    @post("/{slug:str}/tasks/")
    async def add_task(
        self, slug: SlugParam, data: JSONBody[TaskIn], container: ContainerDep, current_user: CurrentUser
    ) -> TaskOut:
        return await create_task(slug, data, container, current_user)
