"""The Project Tracker document's own paths, answering as aliases of the canonical handlers (not in the schema)."""

from __future__ import annotations

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import JSONBody

from application import projects, tasks
from entrypoints.http.controllers import projects as canonical
from entrypoints.http.controllers import tasks as task_controller
from entrypoints.http.controllers.common import ContainerDep, CurrentUser, CursorParam, LimitParam, SlugParam
from entrypoints.http.controllers.projects import Filters, task_filters
from entrypoints.http.schemas.projects import InviteIn, InviteOut, ProjectIn, ProjectOut, ProjectPatch
from entrypoints.http.schemas.work import PageOut, TaskIn, TaskOut, TaskPatch


class TrackerAliasController(Controller):
    path = "/api"
    include_in_schema = False
    dependencies = canonical.ProjectController.dependencies

    @post("/projects/create/")
    async def create_project(
        self, data: JSONBody[ProjectIn], container: ContainerDep, current_user: CurrentUser
    ) -> ProjectOut:
        return await canonical.create_project(data, container, current_user)

    @get("/projects/{slug:str}/edit/")
    async def project_detail(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> ProjectOut:
        return await canonical.project_detail(slug, container, current_user)

    @patch("/projects/{slug:str}/edit/")
    async def edit_project(
        self, slug: SlugParam, data: JSONBody[ProjectPatch], container: ContainerDep, current_user: CurrentUser
    ) -> ProjectOut:
        return await canonical.edit_project(slug, data, container, current_user)

    @delete("/projects/{slug:str}/delete/")
    async def delete_project(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> None:
        await projects.delete_project(slug, current_user, container.uow, container.clock)

    @post("/projects/{slug:str}/invite/")
    async def invite(
        self, slug: SlugParam, data: JSONBody[InviteIn], container: ContainerDep, current_user: CurrentUser
    ) -> Response[InviteOut]:
        return await canonical.invite(slug, data, container, current_user)

    @post("/projects/{slug:str}/tasks/add/")
    async def add_task(
        self, slug: SlugParam, data: JSONBody[TaskIn], container: ContainerDep, current_user: CurrentUser
    ) -> TaskOut:
        return await canonical.create_task(slug, data, container, current_user)

    @get("/projects/{slug:str}/task_list/")
    async def task_list(
        self,
        slug: SlugParam,
        container: ContainerDep,
        current_user: CurrentUser,
        filters: Filters,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
    ) -> PageOut[TaskOut]:
        return await canonical.task_list(slug, container, current_user, filters, limit, cursor)

    @get("/tasks/{slug:str}/edit/")
    async def task_detail(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> TaskOut:
        return await task_controller.task_detail(slug, container, current_user)

    @patch("/tasks/{slug:str}/edit/")
    async def edit_task(
        self, slug: SlugParam, data: JSONBody[TaskPatch], container: ContainerDep, current_user: CurrentUser
    ) -> TaskOut:
        return await task_controller.edit_task(slug, data, container, current_user)

    @delete("/tasks/{slug:str}/delete/")
    async def delete_task(self, slug: SlugParam, container: ContainerDep, current_user: CurrentUser) -> None:
        await tasks.delete_task(slug, current_user, container.uow, container.clock)


__all__ = ["TrackerAliasController", "task_filters"]
