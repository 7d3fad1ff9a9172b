"""Read models of the audit log and of email deliveries, for the admin panel."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Uuid, case, cast, func, or_, select, tuple_
from sqlalchemy.sql import ColumnElement

from adapters.db.pagination import decode_id_cursor, decode_time_id_cursor, encode_cursor, page_limit, split_page
from adapters.db.reading import Reader
from adapters.db.tables import audit_log, email_deliveries, outbox, users
from application.admin_queries import AuditFilters, AuditRecord, DeliveryRecord
from application.paging import Page, PageRequest
from domain.outbox import DeliveryStatus


def _like_start(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"


_actor = users.alias("actor")
_subject = users.alias("subject_user")
_UUID_TEXT = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _subject_is_user(dialect: str) -> ColumnElement[bool]:
    """Entries about an account hold its id as text: matched to the account to show its name. PostgreSQL casts
    only what looks like an id; SQLite keeps ids as 32 hex digits."""
    if dialect == "postgresql":
        as_id = case((audit_log.c.subject.regexp_match(_UUID_TEXT), cast(audit_log.c.subject, Uuid)))
        return _subject.c.id == as_id
    return _subject.c.id == func.replace(audit_log.c.subject, "-", "")


class SqlAuditQueries(Reader):
    async def audit(self, filters: AuditFilters, page: PageRequest) -> Page[AuditRecord]:
        limit = page_limit(page)
        joined = audit_log.outerjoin(_actor, _actor.c.id == audit_log.c.actor_id).outerjoin(
            _subject, _subject_is_user(self._engine.dialect.name)
        )
        query = select(
            audit_log.c.id,
            audit_log.c.at,
            audit_log.c.action,
            audit_log.c.actor_id,
            _actor.c.email.label("actor_email"),
            audit_log.c.subject,
            _subject.c.full_name.label("subject_name"),
            audit_log.c.detail,
        ).select_from(joined)
        if filters.actor_email is not None:
            actor = select(users.c.id).where(users.c.email == filters.actor_email).scalar_subquery()
            query = query.where(audit_log.c.actor_id == actor)
        if filters.action is not None:
            family = filters.action.rstrip(".")
            query = query.where(
                or_(audit_log.c.action == family, audit_log.c.action.like(_like_start(family), escape="\\"))
            )
        if filters.after is not None:
            query = query.where(audit_log.c.at >= filters.after)
        if filters.before is not None:
            query = query.where(audit_log.c.at < filters.before)
        if filters.about is not None:
            query = query.where(or_(audit_log.c.actor_id == filters.about, audit_log.c.subject == str(filters.about)))
        if page.cursor:
            at, last_id = decode_time_id_cursor(page.cursor)
            query = query.where(tuple_(audit_log.c.at, audit_log.c.id) < tuple_(at, last_id))
        ordered = query.order_by(audit_log.c.at.desc(), audit_log.c.id.desc()).limit(limit + 1)
        rows, more = split_page(await self.rows(ordered), limit)
        items = [AuditRecord(**row._mapping) for row in rows]
        return Page(items, encode_cursor(items[-1].at, items[-1].id) if more else None)

    async def deliveries(self, status: DeliveryStatus | None, page: PageRequest) -> Page[DeliveryRecord]:
        limit = page_limit(page)
        query: Any = select(
            email_deliveries.c.outbox_id,
            email_deliveries.c.to,
            email_deliveries.c.template,
            email_deliveries.c.status,
            email_deliveries.c.attempts,
            email_deliveries.c.last_error,
            outbox.c.created_at,
            email_deliveries.c.updated_at,
        ).select_from(email_deliveries.outerjoin(outbox, outbox.c.id == email_deliveries.c.outbox_id))
        if status is None:
            query = query.where(email_deliveries.c.status != DeliveryStatus.SENT.value)
        else:
            query = query.where(email_deliveries.c.status == status.value)
        if page.cursor:
            query = query.where(email_deliveries.c.outbox_id < decode_id_cursor(page.cursor))
        ordered = query.order_by(email_deliveries.c.outbox_id.desc()).limit(limit + 1)
        rows, more = split_page(await self.rows(ordered), limit)
        items = [DeliveryRecord(**row._mapping) for row in rows]
        return Page(items, encode_cursor(items[-1].outbox_id) if more else None)
