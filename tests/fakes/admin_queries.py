"""Fakes of the read models the admin panel uses, answered from the committed rows of the fake store.

Pages are cut by position (the cursor is an offset): the fakes keep each list's filters and order, not its SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID

from application.admin_queries import (
    AdminTaskFilters,
    AuditFilters,
    AuditRecord,
    DeliveryRecord,
    Figures,
    ProjectFilters,
    ProjectRecord,
    TaskRecord,
)
from application.queries import Page, PageRequest, Queries
from application.views import AccountEntry, AssignmentView, MemberView, ReviewView, UserHistory, copied
from domain.assignments import AssignmentStatus
from domain.ledger import TREASURY, AccountKey, AccountKind, TransferKind, wallet_of
from domain.outbox import DeliveryStatus
from domain.projects import Project
from domain.tasks import Task
from domain.users import Role, User
from tests.fakes.store import Store

T = TypeVar("T")


def cut(rows: Iterable[T], page: PageRequest, key: Callable[[T], Any]) -> Page[T]:
    ordered = sorted(rows, key=key, reverse=True)
    start = int(page.cursor or 0)
    end = start + page.limit
    return Page(ordered[start:end], str(end) if end < len(ordered) else None)


def _balance(store: Store, key: AccountKey) -> int:
    account = store.accounts.get(key.id)
    return 0 if account is None else account.balance


def _held(store: Store, kind: AccountKind) -> int:
    return sum(a.balance for a in store.accounts.values() if a.key.kind is kind)


def _moved(store: Store, account: AccountKey, kind: TransferKind) -> int:
    """The points of that kind the account received (positive) or paid (negative)."""
    return sum(
        t.points_for(account) for t in store.transfers.values() if t.kind is kind and account in (t.debit, t.credit)
    )


@dataclass
class FakeAdminQueries:
    store: Store

    async def figures(self, today: date, since: datetime) -> Figures:
        s = self.store
        live_open = [t for t in s.tasks.values() if t.deleted_at is None and t.is_open]
        waiting = [
            a
            for a in s.assignments.values()
            if a.status is AssignmentStatus.SUBMITTED and not s.tasks[a.task_id].is_deleted
        ]
        deliveries = [d.status for d in s.deliveries.values()]
        return Figures(
            open_tasks=len(live_open),
            full_tasks=sum(t.slots_taken >= t.claim_limit for t in live_open),
            submissions_waiting=len(waiting),
            oldest_submission_at=min((a.submitted_at for a in waiting if a.submitted_at), default=None),
            points_issued=-_balance(s, TREASURY),
            points_outstanding=_held(s, AccountKind.WALLET),
            points_in_budgets=_held(s, AccountKind.BUDGET),
            points_in_escrows=_held(s, AccountKind.ESCROW),
            points_redeemed=_moved(s, TREASURY, TransferKind.REDEMPTION),
            failed_deliveries=deliveries.count(DeliveryStatus.FAILED),
            pending_deliveries=deliveries.count(DeliveryStatus.PENDING),
            overdue_projects=sum(p.is_overdue_on(today) for p in s.projects.values()),
            new_users=sum(u.created_at >= since for u in s.users.values()),
        )

    def _task(self, task: Task, today: date) -> TaskRecord:
        project = self.store.projects.get(task.project_id) if task.project_id else None
        slug, name = (project.slug, project.name) if project else (None, None)
        overdue = task.is_overdue_on(today, project.accepts_work if project else True)
        return copied(TaskRecord, task, project=slug, project_name=name, is_overdue=overdue)

    async def tasks(self, filters: AdminTaskFilters, page: PageRequest, today: date) -> Page[TaskRecord]:
        found = [self._task(t, today) for t in self.store.tasks.values() if t.deleted_at is None]
        if filters.is_open is not None:
            found = [t for t in found if t.is_open is filters.is_open]
        if filters.full is not None:
            found = [t for t in found if t.is_full is filters.full]
        if filters.board_only:
            found = [t for t in found if t.project is None]
        elif filters.project:
            found = [t for t in found if t.project == filters.project]
        if filters.q:
            found = [t for t in found if filters.q.lower() in t.name.lower()]
        return cut(found, page, key=lambda t: t.id)

    async def task(self, slug: str, today: date) -> TaskRecord | None:
        live = [t for t in self.store.tasks.values() if t.slug == slug and t.deleted_at is None]
        return self._task(live[0], today) if live else None

    async def assignments(
        self, *, task_id: UUID | None, user_id: UUID | None, status: str | None, page: PageRequest
    ) -> Page[AssignmentView]:
        s, found = self.store, []
        for a in s.assignments.values():
            if (task_id and a.task_id != task_id) or (user_id and a.user_id != user_id):
                continue
            if status and a.status != status:
                continue
            task = s.tasks[a.task_id]
            found.append(AssignmentView.of(a, task.slug, task.name, s.users[a.user_id].full_name))
        return cut(found, page, key=lambda a: a.id)

    async def audit(self, filters: AuditFilters, page: PageRequest) -> Page[AuditRecord]:
        emails = {u.id: u.email for u in self.store.users.values()}
        found = []
        for e in self.store.audit.values():
            family = (filters.action or "").rstrip(".")
            if filters.action and e.action != family and not e.action.startswith(family + "."):
                continue
            if filters.actor_email and emails.get(e.actor_id) != filters.actor_email:  # type: ignore[arg-type]
                continue
            if (filters.after and e.at < filters.after) or (filters.before and e.at >= filters.before):
                continue
            if filters.about and e.actor_id != filters.about and e.subject != str(filters.about):
                continue
            actor = emails.get(e.actor_id) if e.actor_id else None  # type: ignore[arg-type]
            about = next((u.full_name for u in self.store.users.values() if str(u.id) == e.subject), None)
            found.append(AuditRecord(e.id, e.at, e.action, e.actor_id, actor, e.subject, about, e.detail))
        return cut(found, page, key=lambda e: (e.at, e.id))

    async def deliveries(self, status: DeliveryStatus | None, page: PageRequest) -> Page[DeliveryRecord]:
        found = [
            DeliveryRecord(d.outbox_id, d.to, d.template, d.status.value, d.attempts, d.last_error, None, d.updated_at)
            for d in self.store.deliveries.values()
            if (d.status is status if status else d.status is not DeliveryStatus.SENT)
        ]
        return cut(found, page, key=lambda d: d.outbox_id)

    def _project(self, p: Project, today: date) -> ProjectRecord:
        s = self.store
        members = sum(project_id == p.id for project_id, _ in s.memberships)
        open_tasks = sum(t.project_id == p.id and t.is_open and t.deleted_at is None for t in s.tasks.values())
        return ProjectRecord(
            p.id, p.slug, p.name, p.description, p.status.value, p.start_date, p.due_date, p.is_overdue_on(today),
            members, open_tasks, p.created_at,
        )  # fmt: skip

    async def projects(self, filters: ProjectFilters, today: date, page: PageRequest) -> Page[ProjectRecord]:
        found = [self._project(p, today) for p in self.store.projects.values() if p.deleted_at is None]
        if filters.status is not None:
            found = [p for p in found if p.status == filters.status.value]
        if filters.overdue is not None:
            found = [p for p in found if p.is_overdue is filters.overdue]
        if filters.q:
            found = [p for p in found if filters.q.lower() in p.name.lower()]
        return cut(found, page, key=lambda p: p.id)

    async def project(self, slug: str, today: date) -> ProjectRecord | None:
        live = [p for p in self.store.projects.values() if p.slug == slug and p.deleted_at is None]
        return self._project(live[0], today) if live else None


@dataclass
class FakeUserQueries:
    store: Store

    async def users(
        self,
        role: Role | None,
        is_active: bool | None,
        q: str | None,
        page: PageRequest,
        joined: tuple[datetime | None, datetime | None] = (None, None),
    ) -> Page[User]:
        since, until = joined
        found = [
            u
            for u in self.store.users.values()
            if (role is None or u.role is role)
            and (is_active is None or u.is_active is is_active)
            and (not q or q in u.email or q in u.full_name.lower())
            and (since is None or u.created_at >= since)
            and (until is None or u.created_at < until)
        ]
        return cut(found, page, key=lambda u: u.id)

    async def history(self, user_id: UUID) -> UserHistory | None:
        user = self.store.users.get(user_id)
        if user is None:
            return None
        s, wallet = self.store, wallet_of(user_id)
        counts = {status.value: 0 for status in AssignmentStatus}
        for a in s.assignments.values():
            if a.user_id == user_id:
                counts[a.status.value] += 1
        earned, redeemed = _moved(s, wallet, TransferKind.REWARD), -_moved(s, wallet, TransferKind.REDEMPTION)
        return UserHistory(user, counts, earned, redeemed, _balance(s, wallet))


@dataclass
class FakeLedgerQueries:
    store: Store

    async def entries(self, account: AccountKey, page: PageRequest) -> Page[AccountEntry]:
        mine = (t for t in self.store.transfers.values() if account in (t.debit, t.credit))
        return cut((AccountEntry.of(t, account) for t in mine), page, key=lambda e: e.id)


@dataclass
class FakeProjectQueries:
    store: Store

    async def members(self, project_id: UUID, page: PageRequest) -> Page[MemberView]:
        s = self.store
        found = [
            MemberView(
                user_id, s.users[user_id].email, s.users[user_id].full_name, role, s.projects[project_id].created_at
            )
            for (pid, user_id), role in s.memberships.items()
            if pid == project_id
        ]
        return cut(found, page, key=lambda m: m.user_id)


@dataclass
class FakeAssignmentQueries:
    store: Store

    async def histories(self, assignment_ids: list[UUID]) -> dict[UUID, list[ReviewView]]:
        s, found = self.store, {}
        for review in sorted(s.reviews.values(), key=lambda r: (r.at, r.id)):
            if review.assignment_id in assignment_ids:
                by = s.users.get(review.reviewer_id) if review.reviewer_id else None
                view = ReviewView(
                    review.status, review.reviewer_id, review.at, review.feedback, by.full_name if by else ""
                )
                found.setdefault(review.assignment_id, []).append(view)
        return found


def fake_queries(store: Store) -> Queries:
    """The read models the admin panel's use cases reach; the others are not faked (None)."""
    none: Any = None
    return Queries(
        tasks=none,
        assignments=FakeAssignmentQueries(store),  # type: ignore[arg-type]
        wallets=none,
        notifications=none,
        users=FakeUserQueries(store),
        projects=FakeProjectQueries(store),  # type: ignore[arg-type]
        admin=FakeAdminQueries(store),
        ledger=FakeLedgerQueries(store),
        checks=none,
    )
