"""GET /api/admin/audit/: the audit log for admins, with the panel's filters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter

from application import audit_trail
from entrypoints.http.controllers.common import BEARER, ContainerDep, CurrentUser, CursorParam, LimitParam, page_of
from entrypoints.http.schemas.work import PageOut

KindParam = Annotated[
    str | None, QueryParameter(max_length=64, pattern=r"^[a-z_.]+$", description="An action, or its family: 'wallet'")
]
ActorParam = Annotated[str | None, QueryParameter(max_length=254, description="The actor's email")]


class AuditOut(msgspec.Struct):
    id: UUID
    at: datetime
    action: str
    actor_id: UUID | None
    actor_email: str | None
    subject: str | None
    subject_name: str | None
    detail: str


class AdminAuditController(Controller):
    path = "/api/admin/audit"
    tags = ["admin"]
    security = BEARER

    @get("/")
    async def audit(
        self,
        container: ContainerDep,
        current_user: CurrentUser,
        limit: LimitParam = 20,
        cursor: CursorParam = None,
        actor: ActorParam = None,
        kind: KindParam = None,
        first_day: Annotated[date | None, QueryParameter(description="From this day (the admin's time zone)")] = None,
        last_day: Annotated[date | None, QueryParameter(description="To this day, included")] = None,
    ) -> PageOut[AuditOut]:
        search = audit_trail.AuditSearch(actor, kind, first_day, last_day)
        found = await audit_trail.audit_log(current_user, search, page_of(limit, cursor), container.queries)
        return PageOut([msgspec.convert(e, AuditOut, from_attributes=True) for e in found.items], found.next_cursor)
