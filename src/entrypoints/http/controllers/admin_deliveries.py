"""Admin email deliveries: the undelivered ones (`?status=failed` for those given up on), and a retry."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery

from application import admin_lists
from application.delivery_retries import retry_delivery
from domain.outbox import DeliveryStatus
from entrypoints.bootstrap import retry_policy
from entrypoints.http.controllers.common import (
    BEARER,
    ContainerDep,
    CurrentUser,
    CursorParam,
    LimitParam,
    page_of,
    problems,
)
from entrypoints.http.schemas.work import PageOut


class DeliveryOut(msgspec.Struct):
    outbox_id: UUID
    to: str
    template: str
    status: DeliveryStatus
    attempts: int
    last_error: str
    updated_at: datetime | None
    created_at: datetime | None = None  # when the email was written (lists only)


class AdminDeliveryController(Controller):
    path = "/api/admin/deliveries"
    tags = ["admin"]
    security = BEARER

    @get("/")
    async def deliveries(
        self,
        container: ContainerDep,
        current_user: CurrentUser,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
        status: FromQuery[DeliveryStatus | None] = None,
    ) -> PageOut[DeliveryOut]:
        """Emails still being tried and those given up on; delivered ones are not listed."""
        found = await admin_lists.deliveries(current_user, status, page_of(limit, cursor), container.queries)
        return PageOut([msgspec.convert(d, DeliveryOut, from_attributes=True) for d in found.items], found.next_cursor)

    @post("/{outbox_id:uuid}/retry/", status_code=202, responses=problems(401, 403, 404, 409))
    async def retry(self, outbox_id: FromPath[UUID], container: ContainerDep, current_user: CurrentUser) -> DeliveryOut:
        """A failed email is sent again now, with a fresh day of retries (audited); 409 unless it had failed."""
        c = container
        delivery = await retry_delivery(outbox_id, current_user, c.uow, c.queue, c.clock, retry_policy(c.settings))
        return msgspec.convert(delivery, DeliveryOut, from_attributes=True)
