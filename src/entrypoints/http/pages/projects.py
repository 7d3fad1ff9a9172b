"""Projects: my list and creating one; a project's tasks, members and invitations, managed from its page."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.params import FromPath
from litestar.response import Redirect, Template

from application import budgets, invitations, listing, projects, tasks
from application.queries import PageRequest
from domain.access import ProjectRole, can_create_project, can_manage_project
from domain.errors import DomainError, ErrorKind
from domain.paging import MAX_PAGE_SIZE
from domain.projects import ProjectStatus
from entrypoints.http.controllers.common import SlugParam
from entrypoints.http.controllers.tasks import MAX_UPLOAD, task_command
from entrypoints.http.pages.forms import TaskFilterForm, addresses, parse, read_form, task_fields
from entrypoints.http.pages.layout import (
    PAGE_SIZE,
    ContainerDep,
    Me,
    PageCursor,
    ViewerDep,
    done,
    page,
    refused,
)
from entrypoints.http.pages.session import Viewer
from entrypoints.http.problems import STATUS_BY_KIND
from entrypoints.http.schemas.projects import InviteIn, ProjectIn
from entrypoints.http.schemas.work import TaskIn


async def _projects_page(viewer: Viewer, container: Any, cursor: str | None, **extra: Any) -> Template:
    found = await listing.my_projects(
        viewer.user, PageRequest(PAGE_SIZE, cursor), container.queries, container.cache, container.clock
    )
    extra.setdefault("form", {})
    return page(
        "projects.html", viewer, projects=found, cursor=cursor, can_create=can_create_project(viewer.user), **extra
    )


async def _project_page(
    slug: str, viewer: Viewer, container: Any, query: Mapping[str, str], cursor: str | None, **extra: Any
) -> Template:
    user = viewer.user
    project = await projects.get_project(slug, user, container.reads, container.clock)
    manages = can_manage_project(user, False, project.my_role)
    filters = parse(TaskFilterForm, query)
    found = await listing.project_tasks(
        slug,
        user,
        filters.filters(),
        PageRequest(PAGE_SIZE, cursor),
        container.queries,
        container.cache,
        container.uow,
        container.clock,
    )
    top = PageRequest(MAX_PAGE_SIZE)
    members = await listing.project_members(slug, user, top, container.queries, container.uow)
    pending, budget, budget_cursor = [], None, extra.pop("budget_cursor", None)
    if manages:
        pending = (
            await listing.pending_invitations(slug, user, top, container.queries, container.uow, container.clock)
        ).items
        budget_page = PageRequest(PAGE_SIZE, budget_cursor)
        budget = await budgets.budget_page(slug, user, budget_page, container.queries, container.uow)
    extra.setdefault("form", {})
    return page(
        "project.html",
        viewer,
        project=project,
        manages=manages,
        tasks=found,
        members=members,
        invitations=pending,
        budget=budget,
        budget_cursor=budget_cursor,
        filters=filters,
        query=query,
        cursor=cursor,
        **extra,
    )


class ProjectPages(Controller):
    path = "/projects"
    include_in_schema = False

    @get("/")
    async def my_projects(self, viewer: ViewerDep, container: ContainerDep, cursor: PageCursor = None) -> Template:
        return await _projects_page(viewer, container, cursor)

    @post("/")
    async def create(
        self, request: Request[Any, Any, Any], viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        fields = await read_form(request)
        try:
            data = parse(ProjectIn, fields)
            cmd = projects.CreateProject(
                data.name, data.description, ProjectStatus(data.status), data.start_date, data.due_date
            )
            project = await projects.create_project(cmd, viewer.user, container.uow, container.clock)
        except DomainError as exc:
            status = STATUS_BY_KIND[exc.kind]
            return await _projects_page(viewer, container, None, status=status, form=fields, error=exc.detail)
        return done(request, f"Project “{project.name}” created.", f"/projects/{project.slug}/")

    @get("/{slug:str}/")
    async def project(
        self,
        request: Request[Any, Any, Any],
        slug: SlugParam,
        viewer: ViewerDep,
        container: ContainerDep,
        cursor: PageCursor = None,
        budget_cursor: PageCursor = None,
    ) -> Template:
        """The tasks and the budget's transfers page separately (`cursor`, `budget_cursor`)."""
        query = {k: v for k, v in request.query_params.items() if k not in ("cursor", "budget_cursor")}
        return await _project_page(slug, viewer, container, query, cursor, budget_cursor=budget_cursor)

    @post("/{slug:str}/tasks/", request_max_body_size=MAX_UPLOAD)
    async def create_task(
        self, request: Request[Any, Any, Any], slug: SlugParam, viewer: ViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        fields = await read_form(request)
        image = (await request.form()).get("image")
        try:
            data = parse(TaskIn, task_fields(fields))
            task = await tasks.create_project_task(
                slug, task_command(data), viewer.user, container.uow, container.clock
            )
        except DomainError as exc:
            if exc.kind in (ErrorKind.FORBIDDEN, ErrorKind.NOT_FOUND):
                raise  # the 403 or 404 page: a member or an outsider has no form to show it on
            status = STATUS_BY_KIND[exc.kind]
            return await _project_page(slug, viewer, container, {}, None, status=status, form=fields, error=exc.detail)
        back = f"/projects/{slug}/"
        if isinstance(image, UploadFile) and image.filename:
            try:
                await tasks.set_task_image(
                    task.slug,
                    await image.read(),
                    viewer.user,
                    container.uow,
                    container.images,
                    container.media,
                    container.clock,
                )
            except DomainError as exc:
                return refused(request, f"Task “{task.name}” created, but not its image: {exc.detail}", back)
        return done(request, f"Task “{task.name}” created.", back)

    @post("/{slug:str}/members/{user_id:uuid}/remove/")
    async def remove_member(
        self, request: Request[Any, Any, Any], slug: SlugParam, user_id: FromPath[UUID], me: Me, container: ContainerDep
    ) -> Redirect:
        back = f"/projects/{slug}/"
        try:
            await projects.remove_member(slug, user_id, me, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, back)
        return done(request, "Removed from the project; their open claims here were released.", back)

    @post("/{slug:str}/invites/")
    async def invite(
        self, request: Request[Any, Any, Any], slug: SlugParam, me: Me, container: ContainerDep
    ) -> Redirect:
        fields = await read_form(request)
        back = f"/projects/{slug}/"
        try:
            data = parse(InviteIn, {"emails": addresses(fields.get("emails", "")), "role": fields.get("role", "")})
            cmd = invitations.Invite(slug, list(data.emails), ProjectRole(data.role))
            outcomes = (await invitations.invite(cmd, me, container.uow, container.clock)).results
        except DomainError as exc:
            return refused(request, exc, back)
        sent = [o.email for o in outcomes if o.outcome != "already_member"]
        members = [o.email for o in outcomes if o.outcome == "already_member"]
        message = f"Invitation sent to {', '.join(sent)}." if sent else ""
        if members:
            message += f" Already members: {', '.join(members)}."
        return done(request, message.strip(), back)

    @post("/{slug:str}/invites/{invitation_id:uuid}/revoke/")
    async def revoke(
        self,
        request: Request[Any, Any, Any],
        slug: SlugParam,
        invitation_id: FromPath[UUID],
        me: Me,
        container: ContainerDep,
    ) -> Redirect:
        back = f"/projects/{slug}/"
        try:
            revoked = await invitations.revoke_invitation(slug, invitation_id, me, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, back)
        return done(request, f"The invitation for {revoked.email} is revoked.", back)
