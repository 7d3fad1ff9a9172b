"""Assignment paths: my work, the review queue, and each step of an assignment."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK

from application import assignments, listing
from domain.assignments import AssignmentStatus
from entrypoints.http.controllers.common import (
    BEARER,
    ContainerDep,
    CurrentUser,
    CursorParam,
    LimitParam,
    page_of,
    problems,
)
from entrypoints.http.schemas.common import out
from entrypoints.http.schemas.work import ApproveIn, AssignmentDetailOut, AssignmentOut, PageOut, RejectIn, SubmitIn


class AssignmentController(Controller):
    path = "/api/assignments"
    tags = ["assignments"]
    security = BEARER

    @get("/")
    async def mine(
        self,
        container: ContainerDep,
        current_user: CurrentUser,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
        status: FromQuery[AssignmentStatus | None] = None,
    ) -> PageOut[AssignmentOut]:
        page = await listing.my_assignments(current_user, status, page_of(limit, cursor), container.queries)
        return out(page, PageOut[AssignmentOut])

    @get("/review/")
    async def review_queue(
        self, container: ContainerDep, current_user: CurrentUser, limit: LimitParam = 20, cursor: CursorParam = None
    ) -> PageOut[AssignmentOut]:
        page = await listing.review_queue(current_user, page_of(limit, cursor), container.queries, container.uow)
        return out(page, PageOut[AssignmentOut])

    @get("/{assignment_id:uuid}/", responses=problems(401, 404))
    async def detail(
        self, assignment_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> AssignmentDetailOut:
        """The assignment with its review history: every approval and rejection, an overturned one included."""
        found = await assignments.get_assignment(assignment_id, current_user, container.uow)
        return out(found, AssignmentDetailOut)

    @post("/{assignment_id:uuid}/submit/", status_code=HTTP_200_OK)
    async def submit(
        self,
        assignment_id: FromPath[UUID],
        container: ContainerDep,
        current_user: CurrentUser,
        data: JSONBody[SubmitIn | None] = None,
    ) -> AssignmentOut:
        note = data.note if data else ""
        submitted = await assignments.submit(assignment_id, note, current_user, container.uow, container.clock)
        return out(submitted, AssignmentOut)

    @post("/{assignment_id:uuid}/release/", status_code=HTTP_200_OK)
    async def release(
        self, assignment_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> AssignmentOut:
        released = await assignments.release(assignment_id, current_user, container.uow, container.clock)
        return out(released, AssignmentOut)

    @post("/{assignment_id:uuid}/approve/", status_code=HTTP_200_OK, responses=problems(400, 401, 403, 404, 409))
    async def approve(
        self,
        assignment_id: FromPath[UUID],
        container: ContainerDep,
        current_user: CurrentUser,
        data: JSONBody[ApproveIn | None] = None,
    ) -> AssignmentOut:
        review = assignments.Review(assignment_id, data.feedback if data else "")
        return out(await assignments.approve(review, current_user, container.uow, container.clock), AssignmentOut)

    @post("/{assignment_id:uuid}/reject/", status_code=HTTP_200_OK)
    async def reject(
        self,
        assignment_id: FromPath[UUID],
        data: JSONBody[RejectIn],
        container: ContainerDep,
        current_user: CurrentUser,
    ) -> AssignmentOut:
        review = assignments.Review(assignment_id, data.feedback)
        return out(await assignments.reject(review, current_user, container.uow, container.clock), AssignmentOut)
