"""Notifications: the list, marking read, and the unread badge in the header: pushed by server-sent events, with
htmx polling every 30 seconds where a browser has no EventSource (or while the stream reconnects)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from litestar.response import Redirect, ServerSentEvent, Template
from litestar.response.sse import ServerSentEventMessage

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
from entrypoints.http.pages.session import sign_in_id
from entrypoints.http.shutdown import STOPPING, Stopping

LIVE_BADGE = "live_badge"  # app.state may hold an inbox.LiveBadge (the tests' is quick)
RECONNECT_MS = 2000


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

    @get("/live/")
    async def live(self, request: Request[Any, Any, Any], me: Me, container: ContainerDep) -> ServerSentEvent:
        """`unread` events carrying the count: one at once, then one at each change (see `inbox.unread_changes`)."""
        settings: inbox.LiveBadge = request.app.state.get(LIVE_BADGE, inbox.LiveBadge())
        stopping: Stopping = request.app.state[STOPPING]
        settings = dataclasses.replace(settings, wait=stopping.cut_short(settings.wait), ended=stopping.is_set)
        sid = sign_in_id(request)
        if sid is None:
            raise NotAuthorizedException("Sign in to see this page.")
        session = (int(request.session.get("version", -1)), sid)
        counts = inbox.unread_changes(me, session, container.identity, container.queries, settings)

        async def events() -> AsyncIterator[ServerSentEventMessage]:
            async for count in counts:
                yield ServerSentEventMessage(data=count, event="unread")

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}  # no proxy holds the events back
        return ServerSentEvent(events(), retry_duration=RECONNECT_MS, headers=headers)

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
