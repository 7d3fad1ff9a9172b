"""The audit log for admins: filtered a page at a time, or exported whole (up to a limit) as it is read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from application.access import ensure_admin
from application.admin_queries import AuditFilters, AuditRecord
from application.local_dates import day_range
from application.queries import Page, PageRequest, Queries
from domain.paging import MAX_PAGE_SIZE
from domain.users import User, normalize_email

EXPORT_LIMIT = 10_000


@dataclass(frozen=True)
class AuditSearch:
    """As the admin asks: an actor's email, a kind of event (or its start), and days in their calendar."""

    actor: str | None = None
    kind: str | None = None
    first_day: date | None = None
    last_day: date | None = None


def _filters(search: AuditSearch, admin: User) -> AuditFilters:
    actor = normalize_email(search.actor) if search.actor and search.actor.strip() else None
    kind = search.kind.strip().lower() if search.kind and search.kind.strip() else None
    after, before = day_range(search.first_day, search.last_day, admin.time_zone)
    return AuditFilters(actor_email=actor, action=kind, after=after, before=before)


async def audit_log(admin: User, search: AuditSearch, page: PageRequest, queries: Queries) -> Page[AuditRecord]:
    ensure_admin(admin)
    return await queries.admin.audit(_filters(search, admin), page)


async def export_audit(
    admin: User, search: AuditSearch, queries: Queries, limit: int | None = None
) -> AsyncIterator[AuditRecord]:
    """Checks the caller and the filters now, then yields the entries newest first (at most `limit`, by default
    EXPORT_LIMIT), a page per statement, so no connection is held while the rows travel to the client."""
    ensure_admin(admin)
    filters = _filters(search, admin)
    limit = EXPORT_LIMIT if limit is None else limit

    async def rows() -> AsyncIterator[AuditRecord]:
        sent, cursor = 0, None
        while sent < limit:
            found = await queries.admin.audit(filters, PageRequest(min(MAX_PAGE_SIZE, limit - sent), cursor))
            for record in found.items:
                yield record
            sent += len(found.items)
            if found.next_cursor is None:
                return
            cursor = found.next_cursor

    return rows()
