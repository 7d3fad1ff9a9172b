"""Task paths: the board of claimable work, publishing, editing, images, claims and assignment."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, delete, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter

from application import assignments, listing, tasks
from domain.errors import TaskNotFound, UnsupportedImage
from entrypoints.http.controllers.common import (
    BEARER,
    ContainerDep,
    CurrentUser,
    CursorParam,
    LimitParam,
    SlugParam,
    page_of,
)
from entrypoints.http.schemas.common import PLAIN_TEXT
from entrypoints.http.schemas.work import AssignIn, AssignmentOut, PageOut, TaskIn, TaskOut, TaskPatch

MAX_UPLOAD = 5 * 1024 * 1024 + 64 * 1024


async def _require_multipart(request: Request[Any, Any, Any]) -> None:
    """Another body type is a 415, not Litestar's 400 for a multipart body it cannot parse."""
    if request.content_type[0] != "multipart/form-data":
        raise UnsupportedImage("Send the image as multipart/form-data with a field named 'image'.")


def task_command(data: TaskIn) -> tasks.CreateTask:
    return tasks.CreateTask(
        name=data.name,
        description=data.description,
        points=data.points,
        claim_limit=data.claim_limit,
        due_date=data.due_date,
        claim_duration_seconds=data.claim_duration_seconds,
        auto_approve_after_seconds=data.auto_approve_after_seconds,
    )


async def task_out(container: Any, task_id: Any) -> TaskOut:
    summary = await container.queries.tasks.summary(task_id)
    if summary is None:
        raise TaskNotFound()
    return TaskOut.of(summary)


async def assignment_out(container: Any, assignment_id: Any) -> AssignmentOut:
    summary = await container.queries.assignments.summary(assignment_id)
    assert summary is not None
    return AssignmentOut.of(summary)


async def task_detail(slug: str, container: Any, user: Any) -> TaskOut:
    task = await tasks.get_task(slug, user, container.uow)
    return await task_out(container, task.id)


async def edit_task(slug: str, data: TaskPatch, container: Any, user: Any) -> TaskOut:
    task = await tasks.edit_task(tasks.EditTask(slug, data.changes()), user, container.uow, container.clock)
    return await task_out(container, task.id)


class TaskController(Controller):
    path = "/api/tasks"
    tags = ["tasks"]
    security = BEARER

    @get("/")
    async def available(
        self,
        container: ContainerDep,
        current_user: CurrentUser,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
        q: Annotated[str | None, QueryParameter(max_length=100, pattern=PLAIN_TEXT)] = None,
        project: Annotated[str | None, QueryParameter(pattern=r"^[a-z0-9-]{1,80}$")] = None,
    ) -> PageOut[TaskOut]:
        page = await listing.available_tasks(
            current_user, q, project, page_of(limit, cursor), container.queries, container.cache
        )
        return PageOut([TaskOut.of(t) for t in page.items], page.next_cursor)

    @post("/")
    async def create(self, data: JSONBody[TaskIn], container: ContainerDep, current_user: CurrentUser) -> TaskOut:
        task = await tasks.create_public_task(task_command(data), current_user, container.uow, container.clock)
        return await task_out(container, task.id)

    @get("/{slug:str}/")
    async def detail(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> TaskOut:
        return await task_detail(slug, container, current_user)

    @patch("/{slug:str}/")
    async def edit(
        self, slug: SlugParam, data: JSONBody[TaskPatch], container: ContainerDep, current_user: CurrentUser
    ) -> TaskOut:
        return await edit_task(slug, data, container, current_user)

    @delete("/{slug:str}/")
    async def remove(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> None:
        await tasks.delete_task(slug, current_user, container.uow, container.clock)

    @put("/{slug:str}/image/", request_max_body_size=MAX_UPLOAD, before_request=_require_multipart)
    async def upload_image(
        self,
        request: Request[Any, Any, Any],
        slug: SlugParam,
        container: ContainerDep,
        current_user: CurrentUser,
        data: Annotated[dict[str, UploadFile], Body(media_type=RequestEncodingType.MULTI_PART)],
    ) -> TaskOut:
        upload = data.get("image") or data.get("file")
        if not isinstance(upload, UploadFile):
            raise UnsupportedImage("Send the image as a multipart form field named 'image'.")
        content = await upload.read()
        task = await tasks.set_task_image(slug, content, current_user, container.uow, container.images, container.media)
        return await task_out(container, task.id)

    @post("/{slug:str}/claim/")
    async def claim(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> AssignmentOut:
        assignment = await assignments.claim_task(slug, current_user, container.uow, container.clock)
        return await assignment_out(container, assignment.id)

    @post("/{slug:str}/assign/")
    async def assign(
        self, slug: SlugParam, data: JSONBody[AssignIn], container: ContainerDep, current_user: CurrentUser
    ) -> AssignmentOut:
        assignment = await assignments.assign_task(slug, data.user_id, current_user, container.uow, container.clock)
        return await assignment_out(container, assignment.id)
