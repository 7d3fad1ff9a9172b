"""The scheduled jobs' set-based statements, done the slow and obvious way over the fake tables."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from uuid import UUID

from application.ports.scheduled import DigestLine, OverdueNotice
from domain.assignments import AssignmentStatus
from domain.invitations import InvitationStatus
from domain.sign_ins import SIGN_IN_KEPT
from domain.tasks import Task
from tests.fakes.base import Track
from tests.fakes.store import Tables

_ACTIVE = (AssignmentStatus.IN_PROGRESS, AssignmentStatus.SUBMITTED)
Owed = tuple[str, UUID, str, str, date, UUID]


class FakeScheduledQueries:
    def __init__(self, tables: Tables, track: Track | None = None) -> None:
        self.t = tables

    def _live_project(self, project_id: UUID | None) -> bool:
        return project_id is None or self.t.get("projects", project_id).accepts_work

    def _task_overdue(self, task: Task, today: date) -> bool:
        return task.is_overdue_on(today, self._live_project(task.project_id))

    def _owed(self, today: date) -> list[Owed]:
        owed: list[Owed] = []
        members = list(self.t.items("memberships"))
        for task in [t for t in self.t.rows("tasks") if self._task_overdue(t, today)]:
            people = {a.user_id for a in self.t.rows("assignments") if a.task_id == task.id and a.status in _ACTIVE}
            people |= {u for (p, u), r in members if p == task.project_id and r.value == "manager"}
            assert task.due_date is not None
            owed += [("task", task.id, task.name, task.slug, task.due_date, u) for u in people]
        for project in [p for p in self.t.rows("projects") if p.is_overdue_on(today)]:
            people = {u for (p, u), _ in members if p == project.id}
            assert project.due_date is not None
            owed += [("project", project.id, project.name, project.slug, project.due_date, u) for u in people]
        return owed

    async def overdue_notices(self, today: date, now: datetime) -> list[OverdueNotice]:
        notices = []
        for kind, item_id, name, slug, due, user_id in self._owed(today):
            user = self.t.get("users", user_id)
            if user.is_active and self.t.get("notices", (kind, item_id, due, user_id)) is None:
                self.t.put("notices", (kind, item_id, due, user_id), True)
                notices.append(OverdueNotice(user_id, user.email, user.full_name, kind, item_id, name, slug, due))
        return notices

    async def time_zones(self) -> list[str]:
        return sorted({u.time_zone for u in self.t.rows("users") if u.is_active})

    async def digest_lines(self, today: date, time_zone: str | None = None) -> list[DigestLine]:
        lines = []
        for a in self.t.rows("assignments"):
            task, user = self.t.get("tasks", a.task_id), self.t.get("users", a.user_id)
            if a.status not in _ACTIVE or not user.is_active or task.deleted_at or not task.due_date:
                continue
            if time_zone is not None and user.time_zone != time_zone:
                continue
            member = self.t.get("memberships", (task.project_id, user.id)) is not None
            if task.project_id and not (member and self._live_project(task.project_id)):
                continue
            if task.due_date <= today:
                overdue = task.due_date < today
                line = DigestLine(user.id, user.email, user.full_name, task.name, task.slug, task.due_date, overdue)
                lines.append((user.id, task.due_date, task.id, line))
        return [line for *_, line in sorted(lines, key=lambda found: found[:3])]

    async def expired_claims(self, now: datetime, limit: int) -> list[UUID]:
        due = [
            a
            for a in self.t.rows("assignments")
            if a.status is AssignmentStatus.IN_PROGRESS and a.expires_at is not None and a.expires_at <= now
        ]
        return [a.id for a in sorted(due, key=lambda a: a.expires_at)][:limit]

    async def due_auto_approvals(self, now: datetime, limit: int) -> list[UUID]:
        due = [
            a
            for a in self.t.rows("assignments")
            if a.status is AssignmentStatus.SUBMITTED and a.auto_approve_at is not None and a.auto_approve_at <= now
        ]
        return [a.id for a in sorted(due, key=lambda a: a.auto_approve_at)][:limit]

    async def purge(self, now: datetime) -> dict[str, int]:
        day_ago, week_ago = now - timedelta(days=1), now - timedelta(days=7)
        counts = {}
        for table, old in (
            ("otps", lambda o: o.expires_at < day_ago),
            ("email_tokens", lambda t: t.expires_at < day_ago),
            ("sessions", lambda s: s.expires_at < day_ago),
            ("outbox", lambda m: m.done_at is not None and m.done_at < week_ago),
            ("password_resets", lambda r: r.expires_at < day_ago),
            ("email_changes", lambda c: c.expires_at < day_ago),
            (
                "sign_ins",
                lambda s: (s.ended_at is not None and s.ended_at < week_ago) or s.last_used_at < now - SIGN_IN_KEPT,
            ),
        ):
            gone = [key for key, row in self.t.items(table) if old(row)]
            for key in gone:
                self.t.delete(table, key)
            counts["refresh_sessions" if table == "sessions" else table] = len(gone)
        lapsed = [i for i in self.t.rows("invitations") if i.status is InvitationStatus.PENDING and i.expires_at <= now]
        for invitation in lapsed:
            self.t.put("invitations", invitation.id, replace(invitation, status=InvitationStatus.EXPIRED, ended_at=now))
        counts["invitations"] = len(lapsed)
        kinds = ("otps", "email_tokens", "refresh_sessions", "invitations", "outbox")
        return {name: counts[name] for name in (*kinds, "password_resets", "email_changes", "sign_ins")}
