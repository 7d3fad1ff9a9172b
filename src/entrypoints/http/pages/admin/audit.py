"""The audit log for admins: filters by actor, kind and days, and the same selection as a CSV file."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get
from litestar.response import Stream, Template

from application import audit_trail
from application.admin_queries import AuditRecord
from application.queries import PageRequest
from entrypoints.http.pages.admin.panel import AdminViewerDep, admin_page, query_of
from entrypoints.http.pages.forms import parse
from entrypoints.http.pages.layout import PAGE_SIZE, ContainerDep, PageCursor
from entrypoints.http.schemas.common import Email

COLUMNS = ("when", "kind", "actor_id", "actor_email", "subject", "subject_name", "detail", "id")
# A spreadsheet runs a cell starting with one of these as a formula: such cells are written with a quote first.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(msgspec.Struct):
    actor: Email | None = None
    kind: Annotated[str, msgspec.Meta(max_length=64, pattern=r"^[a-z_.]*$")] | None = None
    first_day: date | None = None
    last_day: date | None = None

    def search(self) -> audit_trail.AuditSearch:
        return audit_trail.AuditSearch(self.actor, self.kind, self.first_day, self.last_day)


def spreadsheet_safe(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _row(record: AuditRecord) -> list[str]:
    values = (
        record.at.isoformat(),
        record.action,
        record.actor_id,
        record.actor_email,
        record.subject,
        record.subject_name,
        record.detail,
        record.id,
    )
    return [spreadsheet_safe(value) for value in values]


async def csv_lines(records: AsyncIterator[AuditRecord]) -> AsyncIterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    async for record in records:
        writer.writerow(_row(record))
        if buffer.tell() > 16_384:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


class AdminAuditPages(Controller):
    path = "/audit"
    include_in_schema = False

    @get("/")
    async def audit(
        self,
        request: Request[Any, Any, Any],
        admin_viewer: AdminViewerDep,
        container: ContainerDep,
        cursor: PageCursor = None,
    ) -> Template:
        query = query_of(request)
        form = parse(AuditFilterForm, query)
        found = await audit_trail.audit_log(
            admin_viewer.user, form.search(), PageRequest(PAGE_SIZE, cursor), container.queries
        )
        return admin_page(
            "audit.html",
            admin_viewer,
            "audit",
            entries=found,
            filters=form,
            query=query,
            cursor=cursor,
            export_limit=audit_trail.EXPORT_LIMIT,
        )

    @get("/export/")
    async def export(
        self, request: Request[Any, Any, Any], admin_viewer: AdminViewerDep, container: ContainerDep
    ) -> Stream:
        form = parse(AuditFilterForm, query_of(request))
        records = await audit_trail.export_audit(admin_viewer.user, form.search(), container.queries)
        name = f"taskreward-audit-{container.clock.now().date().isoformat()}.csv"
        return Stream(
            csv_lines(records),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
        )
