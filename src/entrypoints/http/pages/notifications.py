"""Notifications: the list, marking read, and the unread badge the header refreshes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from application import inbox
from application.queries import PageRequest
from domain.errors import DomainError
from entrypoints.http.pages.layout import (
    PAGE_SIZE,
    ContainerDep,
    Me,
    PageCursor,
    ViewerDep,
    done,
    page,
    refused,
)


class NotificationPages(Controller):
    path = "/notifications"
    include_in_schema = False

    @get("/")
    async def notifications(self, viewer: ViewerDep, container: ContainerDep, cursor: PageCursor = None) -> Template:
        found = await container.queries.notifications.list(viewer.user.id, False, PageRequest(PAGE_SIZE, cursor))
        return page("notifications.html", viewer, notifications=found, cursor=cursor)

    @get("/badge/")
    async def badge(self, viewer: ViewerDep) -> Template:
        return page("_badge.html", viewer)

    @post("/{notification_id:uuid}/read/")
    async def mark_read(
        self, request: Request[Any, Any, Any], notification_id: FromPath[UUID], me: Me, container: ContainerDep
    ) -> Redirect:
        try:
            await inbox.mark_read(notification_id, me, container.uow, container.clock)
        except DomainError as exc:
            return refused(request, exc, "/notifications/")
        return Redirect(path="/notifications/", status_code=303)

    @post("/read-all/")
    async def mark_all_read(self, request: Request[Any, Any, Any], me: Me, container: ContainerDep) -> Redirect:
        count = await inbox.mark_all_read(me, container.uow, container.clock)
        return done(request, f"Marked {count} as read." if count else "Nothing was unread.", "/notifications/")
