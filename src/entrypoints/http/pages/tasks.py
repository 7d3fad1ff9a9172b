"""The task board, one task's page, and claiming."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from application import assignments, listing, overview
from application.queries import PageRequest
from domain.assignments import AssignmentStatus
from domain.errors import DomainError
from entrypoints.http.controllers.common import SlugParam
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import (
    PAGE_SIZE,
    ContainerDep,
    Me,
    PageCursor,
    ViewerDep,
    done,
    local_path,
    page,
    refused,
)
from entrypoints.http.schemas.common import PLAIN_TEXT
from entrypoints.http.schemas.work import AssignIn

SearchParam = Annotated[str | None, QueryParameter(max_length=100, pattern=PLAIN_TEXT)]


class TaskPages(Controller):
    path = "/tasks"
    include_in_schema = False

    @get("/")
    async def board(
        self, viewer: ViewerDep, container: ContainerDep, q: SearchParam = None, cursor: PageCursor = None
    ) -> Template:
        user = viewer.user
        tasks = await listing.available_tasks(
            user, q, None, PageRequest(PAGE_SIZE, cursor), container.queries, container.cache, container.clock
        )
        mine = await listing.my_assignments(
            user, AssignmentStatus.IN_PROGRESS, PageRequest(PAGE_SIZE), container.queries
        )
        return page("tasks.html", viewer, tasks=tasks, in_progress=mine.items, q=q or "", cursor=cursor)

    @get("/{slug:str}/")
    async def task(self, slug: SlugParam, viewer: ViewerDep, container: ContainerDep) -> Template:
        view = await overview.task_page(slug, viewer.user, container.uow, container.clock)
        return page("task.html", viewer, view=view, task=view.task)

    @post("/{slug:str}/claim/")
    async def claim(
        self, request: Request[Any, Any, Any], slug: SlugParam, me: Me, container: ContainerDep
    ) -> Redirect:
        back = local_path((await read_form(request)).get("back"), "/tasks/")
        try:
            await assignments.claim_task(slug, me, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, back)
        return done(request, "Claimed. Submit it here when the work is done.", back)

    @post("/{slug:str}/assign/")
    async def assign(
        self, request: Request[Any, Any, Any], slug: SlugParam, me: Me, container: ContainerDep
    ) -> Redirect:
        fields = await read_form(request)
        back = local_path(fields.get("back"), f"/tasks/{slug}/")
        try:
            data = parse(AssignIn, fields)
            await assignments.assign_task(slug, data.user_id, me, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, back)
        return done(request, "Assigned: they have been told by email.", back)
