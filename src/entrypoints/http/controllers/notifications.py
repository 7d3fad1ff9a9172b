"""Notification paths: my notifications, the unread count, marking read."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_200_OK

from application import inbox
from application.queries import PageRequest
from entrypoints.http.controllers.common import BEARER, ContainerDep, CurrentUser, CursorParam, LimitParam
from entrypoints.http.schemas.work import CountOut, NotificationOut, PageOut


class NotificationController(Controller):
    path = "/api/notifications"
    tags = ["notifications"]
    security = BEARER

    @get("/")
    async def list_mine(
        self,
        container: ContainerDep,
        current_user: CurrentUser,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
        unread: FromQuery[bool] = False,
    ) -> PageOut[NotificationOut]:
        page = await container.queries.notifications.list(current_user.id, unread, PageRequest(limit, cursor))
        return PageOut([NotificationOut.of(n) for n in page.items], page.next_cursor)

    @get("/unread-count/")
    async def unread_count(self, container: ContainerDep, current_user: CurrentUser) -> CountOut:
        return CountOut(await container.queries.notifications.unread_count(current_user.id))

    @post("/{notification_id:uuid}/read/", status_code=HTTP_200_OK)
    async def mark_read(
        self, notification_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> NotificationOut:
        notification = await inbox.mark_read(notification_id, current_user, container.uow, container.clock)
        return NotificationOut.of(notification)

    @post("/read-all/", status_code=HTTP_200_OK)
    async def mark_all_read(self, container: ContainerDep, current_user: CurrentUser) -> CountOut:
        return CountOut(await inbox.mark_all_read(current_user, container.uow, container.clock))
