"""The set-based statements behind the scheduled jobs: overdue notices, digests, expiries, purges."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import and_, delete, exists, literal, select, union_all, update

from adapters.db.outbox import dialect_insert
from adapters.db.reading import project_overdue, task_overdue
from adapters.db.tables import (
    assignments,
    email_changes,
    email_otps,
    email_tokens,
    invitations,
    memberships,
    outbox,
    overdue_notices,
    password_resets,
    projects,
    refresh_sessions,
    sign_ins,
    tasks,
    users,
)
from application.ports.scheduled import DigestLine, OverdueNotice
from domain.sign_ins import SIGN_IN_KEPT

ACTIVE = ("in_progress", "submitted")


class SqlScheduledQueries:
    def __init__(self, connection: Any) -> None:
        self._conn = connection

    async def overdue_notices(self, today: date, now: datetime) -> list[OverdueNotice]:
        candidates = (await self._conn.execute(self._owed_notices(today))).all()
        owed = {(r.item_kind, r.item_id, r.user_id): OverdueNotice(**r._mapping) for r in candidates}
        if not owed:
            return []
        statement = (
            dialect_insert(self._conn, overdue_notices)
            .on_conflict_do_nothing()
            .returning(overdue_notices.c.item_kind, overdue_notices.c.item_id, overdue_notices.c.user_id)
        )
        rows = [
            {"item_kind": kind, "item_id": item, "due_date": n.due_date, "user_id": user, "created_at": now}
            for (kind, item, user), n in owed.items()
        ]
        inserted = (await self._conn.execute(statement, rows)).all()
        return [owed[(kind, item, user)] for kind, item, user in inserted]

    def _owed_notices(self, today: date) -> Any:
        task_cols = (
            tasks.c.id.label("item_id"),
            tasks.c.name.label("item_name"),
            tasks.c.slug.label("item_slug"),
            tasks.c.due_date,
        )
        holders = (
            select(literal("task").label("item_kind"), *task_cols, assignments.c.user_id)
            .join(assignments, and_(assignments.c.task_id == tasks.c.id, assignments.c.status.in_(ACTIVE)))
            .where(task_overdue(today))
        )
        managers = (
            select(literal("task").label("item_kind"), *task_cols, memberships.c.user_id)
            .join(memberships, and_(memberships.c.project_id == tasks.c.project_id, memberships.c.role == "manager"))
            .where(task_overdue(today))
        )
        members = (
            select(
                literal("project").label("item_kind"),
                projects.c.id.label("item_id"),
                projects.c.name.label("item_name"),
                projects.c.slug.label("item_slug"),
                projects.c.due_date,
                memberships.c.user_id,
            )
            .join(memberships, memberships.c.project_id == projects.c.id)
            .where(project_overdue(today))
        )
        owed = union_all(holders, managers, members).subquery()
        already = exists().where(
            overdue_notices.c.item_kind == owed.c.item_kind,
            overdue_notices.c.item_id == owed.c.item_id,
            overdue_notices.c.due_date == owed.c.due_date,
            overdue_notices.c.user_id == owed.c.user_id,
        )
        return (
            select(owed, users.c.email, users.c.full_name)
            .join(users, users.c.id == owed.c.user_id)
            .where(users.c.is_active.is_(True), ~already)
        )

    async def time_zones(self) -> list[str]:
        query = select(users.c.time_zone).where(users.c.is_active.is_(True)).distinct().order_by(users.c.time_zone)
        return list((await self._conn.execute(query)).scalars().all())

    async def digest_lines(self, today: date, time_zone: str | None = None) -> list[DigestLine]:
        still_member = exists().where(
            memberships.c.project_id == tasks.c.project_id, memberships.c.user_id == assignments.c.user_id
        )
        live_project = exists().where(
            projects.c.id == tasks.c.project_id, projects.c.deleted_at.is_(None), projects.c.status != "completed"
        )
        query = (
            select(
                users.c.id.label("user_id"),
                users.c.email,
                users.c.full_name,
                tasks.c.name.label("task_name"),
                tasks.c.slug.label("task_slug"),
                tasks.c.due_date,
                (tasks.c.due_date < today).label("is_overdue"),
            )
            .select_from(
                assignments.join(tasks, tasks.c.id == assignments.c.task_id).join(
                    users, users.c.id == assignments.c.user_id
                )
            )
            .where(
                assignments.c.status.in_(ACTIVE),
                users.c.is_active.is_(True),
                tasks.c.deleted_at.is_(None),
                tasks.c.due_date <= today,
                tasks.c.project_id.is_(None) | (still_member & live_project),
            )
            .order_by(users.c.id, tasks.c.due_date, tasks.c.id)
        )
        if time_zone is not None:
            query = query.where(users.c.time_zone == time_zone)
        return [DigestLine(**row._mapping) for row in (await self._conn.execute(query)).all()]

    async def expired_claims(self, now: datetime, limit: int) -> list[UUID]:
        query = (
            select(assignments.c.id)
            .where(assignments.c.status == "in_progress", assignments.c.expires_at <= now)
            .order_by(assignments.c.expires_at)
            .limit(limit)
        )
        return list((await self._conn.execute(query)).scalars())

    async def due_auto_approvals(self, now: datetime, limit: int) -> list[UUID]:
        query = (
            select(assignments.c.id)
            .where(assignments.c.status == "submitted", assignments.c.auto_approve_at <= now)
            .order_by(assignments.c.auto_approve_at)
            .limit(limit)
        )
        return list((await self._conn.execute(query)).scalars())

    async def purge(self, now: datetime) -> dict[str, int]:
        day_ago, week_ago = now - timedelta(days=1), now - timedelta(days=7)
        statements = {
            "otps": delete(email_otps).where(email_otps.c.expires_at < day_ago),
            "email_tokens": delete(email_tokens).where(email_tokens.c.expires_at < day_ago),
            "refresh_sessions": delete(refresh_sessions).where(refresh_sessions.c.expires_at < day_ago),
            "invitations": update(invitations)
            .where(invitations.c.status == "pending", invitations.c.expires_at <= now)
            .values(status="expired", ended_at=now),
            "outbox": delete(outbox).where(outbox.c.done_at < week_ago),
            "password_resets": delete(password_resets).where(password_resets.c.expires_at < day_ago),
            "email_changes": delete(email_changes).where(email_changes.c.expires_at < day_ago),
            # Ended a week ago, or unused for longer than any token or page session lives.
            "sign_ins": delete(sign_ins).where(
                (sign_ins.c.ended_at < week_ago) | (sign_ins.c.last_used_at < now - SIGN_IN_KEPT)
            ),
        }
        return {name: int((await self._conn.execute(s)).rowcount) for name, s in statements.items()}
