"""Notification paths: my notifications, the unread count, marking read."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.status_codes import HTTP_200_OK

from application import inbox, listing
from entrypoints.http.controllers.common import BEARER, ContainerDep, CurrentUser, CursorParam, LimitParam, page_of
from entrypoints.http.schemas.common import out
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
        page = await listing.my_notifications(current_user, unread, page_of(limit, cursor), container.queries)
        return out(page, PageOut[NotificationOut])

    @get("/unread-count/")
    async def unread_count(self, container: ContainerDep, current_user: CurrentUser) -> CountOut:
        return CountOut(await listing.my_unread_count(current_user, container.queries))

    @post("/{notification_id:uuid}/read/", status_code=HTTP_200_OK)
    async def mark_read(
        self, notification_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser
    ) -> NotificationOut:
        notification = await inbox.mark_read(notification_id, current_user, container.uow, container.clock)
        return out(notification, NotificationOut)

    @post("/read-all/", status_code=HTTP_200_OK)
    async def mark_all_read(self, container: ContainerDep, current_user: CurrentUser) -> CountOut:
        return CountOut(await inbox.mark_all_read(current_user, container.uow, container.clock))
