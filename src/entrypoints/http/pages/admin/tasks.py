"""Admin tasks: every live task with search and filters; creating (with an image), editing, closing,
reopening and deleting one; and each task's assignments."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.response import Redirect, Template

from application import admin_lists, tasks
from application.admin_queries import AdminTaskFilters
from application.queries import PageRequest
from domain.errors import DomainError
from domain.slugs import MAX_SLUG_LENGTH, SLUG_PATTERN
from entrypoints.http.controllers.common import SlugParam
from entrypoints.http.controllers.tasks import MAX_UPLOAD, task_command
from entrypoints.http.pages.admin.panel import AdminViewerDep, SearchText, admin_page, query_of
from entrypoints.http.pages.forms import parse, read_form, task_fields
from entrypoints.http.pages.layout import PAGE_SIZE, ContainerDep, PageCursor, done, refused
from entrypoints.http.pages.session import Viewer
from entrypoints.http.problems import STATUS_BY_KIND
from entrypoints.http.schemas.work import TaskIn, TaskPatch

Slug = Annotated[str, msgspec.Meta(max_length=MAX_SLUG_LENGTH, pattern=SLUG_PATTERN)]
CLEARABLE = ("due_date", "claim_duration_seconds", "auto_approve_after_seconds")


class TaskFilterForm(msgspec.Struct):
    q: SearchText | None = None
    state: Annotated[str, msgspec.Meta(pattern="^(open|closed)$")] | None = None
    full: bool | None = None
    where: Annotated[str, msgspec.Meta(pattern="^board$")] | None = None
    project: Slug | None = None

    def filters(self) -> AdminTaskFilters:
        is_open = None if self.state is None else self.state == "open"
        return AdminTaskFilters(self.q, is_open, self.full, self.where == "board", self.project)


class TaskPlace(msgspec.Struct):
    project: Slug | None = None


async def _tasks_page(
    viewer: Viewer, container: Any, query: dict[str, str], cursor: str | None, *, status: int = 200, **extra: Any
) -> Template:
    form = parse(TaskFilterForm, query)
    found = await admin_lists.tasks(
        viewer.user, form.filters(), PageRequest(PAGE_SIZE, cursor), container.queries, container.clock
    )
    extra.setdefault("form", {})
    context = {"tasks": found, "filters": form, "query": query, "cursor": cursor, **extra}
    return admin_page("tasks.html", viewer, "tasks", status=status, **context)


async def _attach_image(request: Request[Any, Any, Any], slug: str, admin: Any, container: Any) -> str | None:
    """The problem with the uploaded image, if one was sent and refused."""
    image = (await request.form()).get("image")
    if not isinstance(image, UploadFile) or not image.filename:
        return None
    try:
        await tasks.set_task_image(
            slug, await image.read(), admin, container.uow, container.images, container.media, container.clock
        )
    except DomainError as exc:
        return exc.detail
    return None


def _changes(fields: dict[str, str]) -> dict[str, Any]:
    """The edit form sends every field: a blank date or duration clears it, a blank description empties it."""
    values = task_fields(fields)
    changes = parse(TaskPatch, {**values, "due_date": values.get("due_date") or None}).changes()
    for name in CLEARABLE:
        changes.setdefault(name, None)
    if fields.get("description") == "":
        changes["description"] = ""
    return changes


class AdminTaskPages(Controller):
    path = "/tasks"
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request[Any, Any, Any],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
        cursor: PageCursor = None,
    ) -> Template:
        return await _tasks_page(admin_viewer, container, query_of(request), cursor)

    @post("/", request_max_body_size=MAX_UPLOAD)
    async def create(
        self, request: Request[Any, Any, Any], admin_viewer: AdminViewerDep, container: ContainerDep
    ) -> Template | Redirect:
        admin, fields = admin_viewer.user, await read_form(request)
        try:
            data = parse(TaskIn, task_fields(fields))
            project = parse(TaskPlace, fields).project
            if project:
                task = await tasks.create_project_task(
                    project, task_command(data), admin, container.uow, container.clock
                )
            else:
                task = await tasks.create_public_task(task_command(data), admin, container.uow, container.clock)
        except DomainError as exc:
            status = STATUS_BY_KIND[exc.kind]
            return await _tasks_page(admin_viewer, container, {}, None, status=status, form=fields, error=exc.detail)
        back = f"/admin/tasks/{task.slug}/"
        problem = await _attach_image(request, task.slug, admin, container)
        if problem:
            return refused(request, f"Task “{task.name}” created, but not its image: {problem}", back)
        return done(request, f"Task “{task.name}” created.", back)

    @get("/{slug:str}/")
    async def task(
        self, slug: SlugParam, admin_viewer: AdminViewerDep, container: ContainerDep, cursor: PageCursor = None
    ) -> Template:
        found = await admin_lists.task_page(
            admin_viewer.user, slug, PageRequest(PAGE_SIZE, cursor), container.queries, container.clock
        )
        return admin_page("task.html", admin_viewer, "tasks", view=found, task=found.task, cursor=cursor)

    @post("/{slug:str}/")
    async def edit(
        self, request: Request[Any, Any, Any], slug: SlugParam, admin_viewer: AdminViewerDep, container: ContainerDep
    ) -> Redirect:
        back = f"/admin/tasks/{slug}/"
        try:
            changes = _changes(await read_form(request))
            task = await tasks.edit_task(
                tasks.EditTask(slug, changes), admin_viewer.user, container.uow, container.clock
            )
        except DomainError as exc:
            return refused(request, exc, back)
        return done(request, f"Task “{task.name}” saved.", back)

    @post("/{slug:str}/image/", request_max_body_size=MAX_UPLOAD)
    async def image(
        self, request: Request[Any, Any, Any], slug: SlugParam, admin_viewer: AdminViewerDep, container: ContainerDep
    ) -> Redirect:
        back = f"/admin/tasks/{slug}/"
        problem = await _attach_image(request, slug, admin_viewer.user, container)
        if problem:
            return refused(request, problem, back)
        return done(request, "The image is saved.", back)

    @post("/{slug:str}/close/")
    async def close(
        self, request: Request[Any, Any, Any], slug: SlugParam, admin_viewer: AdminViewerDep, container: ContainerDep
    ) -> Redirect:
        return await _open_or_close(request, slug, False, admin_viewer, container)

    @post("/{slug:str}/reopen/")
    async def reopen(
        self, request: Request[Any, Any, Any], slug: SlugParam, admin_viewer: AdminViewerDep, container: ContainerDep
    ) -> Redirect:
        return await _open_or_close(request, slug, True, admin_viewer, container)

    @post("/{slug:str}/delete/")
    async def delete(
        self, request: Request[Any, Any, Any], slug: SlugParam, admin_viewer: AdminViewerDep, container: ContainerDep
    ) -> Redirect:
        try:
            await tasks.delete_task(slug, admin_viewer.user, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, f"/admin/tasks/{slug}/")
        return done(request, "The task is deleted; its open claims were released.", "/admin/tasks/")


async def _open_or_close(
    request: Request[Any, Any, Any], slug: str, is_open: bool, viewer: Viewer, container: Any
) -> Redirect:
    back = f"/admin/tasks/{slug}/"
    try:
        task = await tasks.edit_task(
            tasks.EditTask(slug, {"is_open": is_open}), viewer.user, container.uow, container.clock
        )
    except DomainError as exc:
        return refused(request, exc, back)
    return done(request, f"Task “{task.name}” is {'open again' if is_open else 'closed'}.", back)
