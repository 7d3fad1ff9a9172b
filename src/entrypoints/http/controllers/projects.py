"""Project paths: projects, members, invitations and the project's tasks."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter

from application import budgets, invitations, listing, projects, tasks
from application.queries import TaskFilters
from entrypoints.http.controllers.common import (
    BEARER,
    ContainerDep,
    CurrentUser,
    CursorParam,
    LimitParam,
    SlugParam,
    json_body,
    page_of,
    problems,
)
from entrypoints.http.controllers.tasks import TASK_PAGE, task_command
from entrypoints.http.schemas.common import out, rendered
from entrypoints.http.schemas.ledger import BudgetOut, TransferOut
from entrypoints.http.schemas.projects import (
    InvitationOut,
    InviteIn,
    InviteOut,
    MemberOut,
    ProjectIn,
    ProjectOut,
    ProjectPatch,
)
from entrypoints.http.schemas.work import PageOut, TaskIn, TaskOut


def task_filters(
    status: Annotated[str | None, QueryParameter(pattern="^(open|closed)$")] = None,
    assignee: FromQuery[UUID | None] = None,
    due_before: FromQuery[date | None] = None,
    due_after: FromQuery[date | None] = None,
    overdue: FromQuery[bool | None] = None,
) -> TaskFilters:
    return TaskFilters(None if status is None else status == "open", assignee, due_before, due_after, overdue)


Filters = NamedDependency[TaskFilters]
PAGE = rendered(PageOut[ProjectOut])


class ProjectController(Controller):
    path = "/api/projects"
    tags = ["projects"]
    security = BEARER
    dependencies = {"filters": Provide(task_filters, sync_to_thread=False)}

    @get("/")
    async def list_mine(
        self, container: ContainerDep, current_user: CurrentUser, limit: LimitParam = 20, cursor: CursorParam = None
    ) -> Response[PageOut[ProjectOut]]:
        c, page = container, page_of(limit, cursor)
        return json_body(await listing.my_projects_rendered(current_user, page, (c.queries, c.cache, c.clock), PAGE))

    @post("/")
    async def create(self, data: JSONBody[ProjectIn], container: ContainerDep, current_user: CurrentUser) -> ProjectOut:
        cmd = msgspec.convert(data, projects.CreateProject, from_attributes=True)
        return out(await projects.create_project(cmd, current_user, container.uow, container.clock), ProjectOut)

    @get("/{slug:str}/")
    async def detail(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> ProjectOut:
        return out(await projects.get_project(slug, current_user, container.reads, container.clock), ProjectOut)

    @patch("/{slug:str}/")
    async def edit(
        self, slug: SlugParam, data: JSONBody[ProjectPatch], container: ContainerDep, current_user: CurrentUser
    ) -> ProjectOut:
        cmd = projects.EditProject(slug, data.changes())
        return out(await projects.edit_project(cmd, current_user, container.uow, container.clock), ProjectOut)

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
        page = await listing.project_members(
            slug, current_user, page_of(limit, cursor), container.queries, container.uow
        )
        return out(page, PageOut[MemberOut])

    @delete("/{slug:str}/members/{user_id:uuid}/")
    async def remove_member(
        self, slug: SlugParam, user_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> None:
        await projects.remove_member(slug, user_id, current_user, container.uow, container.clock)

    @get("/{slug:str}/invites/")
    async def pending_invites(
        self,
        slug: SlugParam,
        container: ContainerDep,
        current_user: CurrentUser,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
    ) -> PageOut[InvitationOut]:
        c, page = container, page_of(limit, cursor)
        pending = await listing.pending_invitations(slug, current_user, page, c.queries, c.uow, c.clock)
        return out(pending, PageOut[InvitationOut])

    @post("/{slug:str}/invites/")
    async def invite(
        self, slug: SlugParam, data: JSONBody[InviteIn], container: ContainerDep, current_user: CurrentUser
    ) -> Response[InviteOut]:
        cmd = invitations.Invite(slug, list(data.emails), data.role)
        report = await invitations.invite(cmd, current_user, container.uow, container.clock)
        return Response(out(report, InviteOut), status_code=report.status)

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
    ) -> Response[PageOut[TaskOut]]:
        c, page = container, page_of(limit, cursor)
        deps = (c.queries, c.cache, c.uow, c.clock)
        return json_body(await listing.project_tasks_rendered(slug, current_user, filters, page, deps, TASK_PAGE))

    @post("/{slug:str}/tasks/", responses=problems(400, 401, 403, 404, 409))
    async def add_task(
        self, slug: SlugParam, data: JSONBody[TaskIn], container: ContainerDep, current_user: CurrentUser
    ) -> TaskOut:
        cmd = task_command(data)
        return out(await tasks.create_project_task(slug, cmd, current_user, container.uow, container.clock), TaskOut)

    @get("/{slug:str}/budget/", responses=problems(401, 403, 404))
    async def budget(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> BudgetOut:
        """For the project's managers and admins: what admins granted, what its tasks hold in escrow, what
        approvals paid, and what is left to publish with. Its transfers are under `transfers/`."""
        return out(await budgets.project_budget(slug, current_user, container.uow), BudgetOut)

    @get("/{slug:str}/budget/transfers/", responses=problems(400, 401, 403, 404))
    async def budget_transfers(
        self,
        slug: SlugParam,
        container: ContainerDep,
        current_user: CurrentUser,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
    ) -> PageOut[TransferOut]:
        """Every transfer in or out of the budget, newest first; points are signed from the budget's side."""
        c = container
        page = await budgets.budget_transfers(slug, current_user, page_of(limit, cursor), c.queries, c.uow)
        return out(page, PageOut[TransferOut])
