"""Task paths: the board of claimable work, publishing, editing, images, claims and assignment."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec
from litestar import Controller, Response, delete, get, patch, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, JSONBody, QueryParameter

from application import assignments, listing, tasks
from domain.errors import UnsupportedImage
from domain.slugs import MAX_SLUG_LENGTH
from domain.tasks import MAX_IMAGE_BYTES
from entrypoints.http.controllers.common import (
    BEARER,
    ContainerDep,
    CurrentUser,
    CursorParam,
    LimitParam,
    SearchParam,
    SlugParam,
    json_body,
    page_of,
    problems,
)
from entrypoints.http.dependencies import HttpRequest
from entrypoints.http.schemas.common import out, rendered
from entrypoints.http.schemas.work import AssignIn, AssignmentOut, PageOut, TaskIn, TaskOut, TaskPatch

TASK_PAGE = rendered(PageOut[TaskOut])
MAX_UPLOAD = MAX_IMAGE_BYTES + 64 * 1024  # the image and the multipart framing around it
ProjectFilter = Annotated[str | None, QueryParameter(pattern=rf"^[a-z0-9-]{{1,{MAX_SLUG_LENGTH}}}$")]


@dataclass
class ImageUpload:
    image: UploadFile


Upload = Annotated[ImageUpload, Body(media_type=RequestEncodingType.MULTI_PART)]


async def _require_multipart(request: HttpRequest) -> None:
    """Another body type is a 415, not Litestar's 400 for a multipart body it cannot parse."""
    if request.content_type[0] != "multipart/form-data":
        raise UnsupportedImage("Send the image as multipart/form-data with a field named 'image'.")


def task_command(data: TaskIn) -> tasks.CreateTask:
    return msgspec.convert(data, tasks.CreateTask, from_attributes=True)


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
        q: SearchParam = None,
        project: ProjectFilter = None,
    ) -> Response[PageOut[TaskOut]]:
        c, page = container, page_of(limit, cursor)
        deps = (c.queries, c.cache, c.clock)
        return json_body(await listing.available_tasks_rendered(current_user, q, project, page, deps, TASK_PAGE))

    @post("/", responses=problems(400, 401, 403, 409))
    async def create(self, data: JSONBody[TaskIn], container: ContainerDep, current_user: CurrentUser) -> TaskOut:
        task = await tasks.create_public_task(task_command(data), current_user, container.uow, container.clock)
        return out(task, TaskOut)

    @get("/{slug:str}/")
    async def detail(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> TaskOut:
        return out(await tasks.get_task(slug, current_user, container.reads, container.clock), TaskOut)

    @patch("/{slug:str}/", responses=problems(400, 401, 403, 404, 409))
    async def edit(
        self, slug: SlugParam, data: JSONBody[TaskPatch], container: ContainerDep, current_user: CurrentUser
    ) -> TaskOut:
        cmd = tasks.EditTask(slug, data.changes())
        return out(await tasks.edit_task(cmd, current_user, container.uow, container.clock), TaskOut)

    @delete("/{slug:str}/")
    async def remove(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> None:
        await tasks.delete_task(slug, current_user, container.uow, container.clock)

    @put("/{slug:str}/image/", request_max_body_size=MAX_UPLOAD, before_request=_require_multipart)
    async def upload_image(
        self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser, data: Upload
    ) -> TaskOut:
        c = container
        image = await data.image.read()
        task = await tasks.set_task_image(slug, image, current_user, c.uow, c.images, c.media, c.clock)
        return out(task, TaskOut)

    @post("/{slug:str}/claim/", responses=problems(401, 404, 409))
    async def claim(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> AssignmentOut:
        assignment = await assignments.claim_task(slug, current_user, container.uow, container.clock)
        return out(assignment, AssignmentOut)

    @post("/{slug:str}/assign/", responses=problems(400, 401, 403, 404, 409))
    async def assign(
        self, slug: SlugParam, data: JSONBody[AssignIn], container: ContainerDep, current_user: CurrentUser
    ) -> AssignmentOut:
        assignment = await assignments.assign_task(slug, data.user_id, current_user, container.uow, container.clock)
        return out(assignment, AssignmentOut)
