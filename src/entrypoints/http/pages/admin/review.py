"""The review queue across every project, oldest first: approve, reject (feedback required), or approve many."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.plugins.flash import flash
from litestar.response import Redirect, Template

from application import assignments, bulk_review, listing
from application.queries import PageRequest
from domain.errors import DomainError, InvalidInput
from entrypoints.http.pages.admin.panel import AdminViewerDep, admin_page
from entrypoints.http.pages.forms import parse, read_form
from entrypoints.http.pages.layout import PAGE_SIZE, ContainerDep, PageCursor, done, go, local_path, refused
from entrypoints.http.pages.session import Viewer
from entrypoints.http.schemas.work import ApproveIn, RejectIn

QUEUE = "/admin/review/"


async def _chosen(request: Request[Any, Any, Any]) -> list[UUID]:
    """The ticked submissions: every value of the repeated checkbox field."""
    values = (await request.form()).getall("assignment_id", [])
    if len(values) > bulk_review.MAX_BULK:
        raise InvalidInput(f"Approve at most {bulk_review.MAX_BULK} submissions at a time.")
    try:
        return [UUID(value) for value in values if isinstance(value, str)]
    except ValueError as exc:
        raise InvalidInput("The form is out of date: reload the page and try again.") from exc


class AdminReviewPages(Controller):
    path = "/review"
    include_in_schema = False

    @get("/")
    async def queue(self, admin_viewer: AdminViewerDep, container: ContainerDep, cursor: PageCursor = None) -> Template:
        found = await listing.review_queue(
            admin_viewer.user, PageRequest(PAGE_SIZE, cursor), container.queries, container.uow
        )
        return admin_page("review.html", admin_viewer, "review", queue=found, cursor=cursor)

    @post("/approve/")
    async def approve_many(
        self, request: Request[Any, Any, Any], admin_viewer: AdminViewerDep, container: ContainerDep
    ) -> Redirect:
        try:
            chosen = await _chosen(request)
            outcomes = await bulk_review.approve_many(chosen, admin_viewer.user, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, QUEUE)
        for outcome in outcomes:
            if outcome.approved:
                flash(request, f"Approved: {outcome.label}.", "ok")
            else:
                flash(request, f"Not approved: {outcome.label}. {outcome.reason}", "error")
        return go(QUEUE)

    @post("/{assignment_id:uuid}/approve/")
    async def approve(
        self,
        request: Request[Any, Any, Any],
        assignment_id: FromPath[UUID],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
    ) -> Redirect:
        return await _review(request, assignment_id, admin_viewer, container, approving=True)

    @post("/{assignment_id:uuid}/reject/")
    async def reject(
        self,
        request: Request[Any, Any, Any],
        assignment_id: FromPath[UUID],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
    ) -> Redirect:
        return await _review(request, assignment_id, admin_viewer, container, approving=False)


async def _review(
    request: Request[Any, Any, Any], assignment_id: UUID, viewer: Viewer, container: Any, *, approving: bool
) -> Redirect:
    """One submission approved (feedback optional) or rejected (feedback required); approving a rejection of the
    last 30 days overturns it (the rejection stays in the history). Back to the queue, or to the task's page."""
    fields = await read_form(request)
    back = local_path(fields.get("back"), QUEUE)
    try:
        feedback = parse(ApproveIn, fields).feedback if approving else parse(RejectIn, fields).feedback
        decide = assignments.approve if approving else assignments.reject
        await decide(assignments.Review(assignment_id, feedback), viewer.user, container.uow, container.clock)
    except DomainError as exc:
        return refused(request, exc, back)
    if approving:
        return done(request, "Approved: the points are credited.", back)
    return done(request, "Rejected, with your feedback sent to the member.", back)
