"""My work: assignments by status with the reviewers' feedback, and submitting or releasing one."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from application import assignments, listing
from application.queries import PageRequest
from domain.assignments import AssignmentStatus
from domain.errors import DomainError
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
from entrypoints.http.schemas.work import SubmitIn


class WorkPages(Controller):
    path = "/work"
    include_in_schema = False

    @get("/")
    async def my_work(
        self,
        viewer: ViewerDep,
        container: ContainerDep,
        status: FromQuery[AssignmentStatus | None] = None,
        cursor: PageCursor = None,
    ) -> Template:
        found = await listing.my_work(viewer.user, status, PageRequest(PAGE_SIZE, cursor), container.queries)
        return page(
            "work.html",
            viewer,
            work=found.assignments,
            histories=found.histories,
            shown=status,
            statuses=list(AssignmentStatus),
            cursor=cursor,
        )

    @post("/{assignment_id:uuid}/submit/")
    async def submit(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[UUID], me: Me, container: ContainerDep
    ) -> Redirect:
        fields = await read_form(request)
        back = local_path(fields.get("back"), "/work/")
        try:
            note = parse(SubmitIn, fields).note
            await assignments.submit(assignment_id, note, me, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, back)
        return done(request, "Submitted for review. You will be told when it is reviewed.", back)

    @post("/{assignment_id:uuid}/release/")
    async def release(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[UUID], me: Me, container: ContainerDep
    ) -> Redirect:
        back = local_path((await read_form(request)).get("back"), "/work/")
        try:
            await assignments.release(assignment_id, me, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, back)
        return done(request, "Released: the task is free for someone else.", back)
