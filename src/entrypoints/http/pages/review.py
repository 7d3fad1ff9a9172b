"""The review queue, oldest submission first, with approving and rejecting (feedback required)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from application import assignments, listing
from application.queries import PageRequest
from domain.errors import DomainError
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import PAGE_SIZE, ContainerDep, Me, PageCursor, ViewerDep, done, page, refused
from entrypoints.http.schemas.work import ApproveIn, RejectIn


class ReviewPages(Controller):
    path = "/review"
    include_in_schema = False

    @get("/")
    async def queue(self, viewer: ViewerDep, container: ContainerDep, cursor: PageCursor = None) -> Template:
        found = await listing.review_queue(
            viewer.user, PageRequest(PAGE_SIZE, cursor), container.queries, container.uow
        )
        return page("review.html", viewer, queue=found, cursor=cursor)

    @post("/{assignment_id:uuid}/approve/")
    async def approve(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[UUID], me: Me, container: ContainerDep
    ) -> Redirect:
        try:
            feedback = parse(ApproveIn, await read_form(request)).feedback
            await assignments.approve(assignments.Review(assignment_id, feedback), me, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, "/review/")
        return done(request, "Approved: the points are credited.", "/review/")

    @post("/{assignment_id:uuid}/reject/")
    async def reject(
        self, request: Request[Any, Any, Any], assignment_id: FromPath[UUID], me: Me, container: ContainerDep
    ) -> Redirect:
        try:
            feedback = parse(RejectIn, await read_form(request)).feedback
            await assignments.reject(assignments.Review(assignment_id, feedback), me, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, "/review/")
        return done(request, "Rejected, with your feedback sent to the member.", "/review/")
