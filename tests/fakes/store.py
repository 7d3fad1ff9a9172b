"""The fake database and its unit of work: copy-on-write tables, committed by swapping only the touched rows.

A unit of work reads through to the committed rows and keeps its writes to itself until commit, which
copies each touched table's dict once and puts the changed rows in. Rows are never changed in place, so a
refused unit of work leaves every table object as it was. Like the SQL one, it hands the events of the
entities it handed out to the side effects just before committing, and relays its outbox rows after.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import Any, Self, TypeVar
from uuid import UUID

from application.ports.ledger import IdempotencyRecord
from application.ports.repositories import EventHandler
from application.side_effects import SideEffects
from domain.access import ProjectRole
from domain.assignments import Assignment, ReviewRecord
from domain.audit import AuditEntry
from domain.events import Aggregate, Event
from domain.invitations import Invitation
from domain.ledger import Account, Transfer
from domain.notifications import Notification
from domain.outbox import EmailDelivery, OutboxMessage
from domain.projects import Project
from domain.recovery import EmailChange, PasswordReset
from domain.sessions import RefreshSession
from domain.sign_ins import SignIn
from domain.tasks import Task
from domain.two_factor import RecoveryCode
from domain.users import User
from domain.verification import EmailOtp, EmailToken

T = TypeVar("T")
BASE_URL = "https://taskreward.test"
AfterCommit = Callable[[list[OutboxMessage]], Awaitable[object]]
_GONE = object()


@dataclass
class Store:
    """What the fake database holds, one dict per table."""

    users: dict[UUID, User] = field(default_factory=dict)
    otps: dict[UUID, EmailOtp] = field(default_factory=dict)
    email_tokens: dict[UUID, EmailToken] = field(default_factory=dict)
    sessions: dict[UUID, RefreshSession] = field(default_factory=dict)
    sign_ins: dict[UUID, SignIn] = field(default_factory=dict)
    recovery_codes: dict[UUID, RecoveryCode] = field(default_factory=dict)
    password_resets: dict[UUID, PasswordReset] = field(default_factory=dict)
    email_changes: dict[UUID, EmailChange] = field(default_factory=dict)
    audit: dict[UUID, AuditEntry] = field(default_factory=dict)
    tasks: dict[UUID, Task] = field(default_factory=dict)
    assignments: dict[UUID, Assignment] = field(default_factory=dict)
    reviews: dict[UUID, ReviewRecord] = field(default_factory=dict)
    accounts: dict[UUID, Account] = field(default_factory=dict)
    transfers: dict[UUID, Transfer] = field(default_factory=dict)
    notifications: dict[UUID, Notification] = field(default_factory=dict)
    idempotency: dict[tuple[UUID, str], IdempotencyRecord] = field(default_factory=dict)
    memberships: dict[tuple[UUID, UUID], ProjectRole] = field(default_factory=dict)
    projects: dict[UUID, Project] = field(default_factory=dict)
    invitations: dict[UUID, Invitation] = field(default_factory=dict)
    outbox: dict[UUID, OutboxMessage] = field(default_factory=dict)
    deliveries: dict[UUID, EmailDelivery] = field(default_factory=dict)
    notices: dict[tuple[str, UUID, date, UUID], bool] = field(default_factory=dict)


def detached(row: T) -> T:
    """A copy of a row that shares nothing mutable with it (rows hold immutable values) and no events."""
    twin = copy.copy(row)
    if isinstance(twin, Aggregate):
        twin.__dict__.pop("_events", None)
    return twin


class Tables:
    """One unit of work's view of the store: its own writes first, then the committed rows."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._changes: dict[str, dict[Any, Any]] = {}

    def get(self, table: str, key: Any) -> Any:
        changes = self._changes.get(table)
        if changes is not None and key in changes:
            row = changes[key]
            return None if row is _GONE else row
        return getattr(self.store, table).get(key)

    def rows(self, table: str) -> Iterator[Any]:
        changes = self._changes.get(table, {})
        for key, row in getattr(self.store, table).items():
            if key not in changes:
                yield row
        yield from (row for row in changes.values() if row is not _GONE)

    def items(self, table: str) -> Iterator[tuple[Any, Any]]:
        changes = self._changes.get(table, {})
        for key, row in getattr(self.store, table).items():
            if key not in changes:
                yield key, row
        yield from ((key, row) for key, row in changes.items() if row is not _GONE)

    def put(self, table: str, key: Any, row: Any) -> None:
        self._changes.setdefault(table, {})[key] = detached(row)

    def delete(self, table: str, key: Any) -> None:
        self._changes.setdefault(table, {})[key] = _GONE

    def commit(self) -> None:
        for table, changes in self._changes.items():
            rows = dict(getattr(self.store, table))
            for key, row in changes.items():
                if row is _GONE:
                    rows.pop(key, None)
                else:
                    rows[key] = row
            setattr(self.store, table, rows)
        self._changes = {}


class FakeUnitOfWork:
    def __init__(self, factory: FakeUnitOfWorkFactory) -> None:
        self._factory = factory
        self.committed = False

    async def __aenter__(self) -> Self:
        from tests.fakes import accounts, ledger, outbox, projects, scheduled, sign_ins, work

        tables, track = Tables(self._factory.store), self._track
        self._tables, self._seen, self._recorded = tables, [], []
        self.users = accounts.FakeUserRepository(tables, track)
        self.otps = accounts.FakeOtpRepository(tables, track)
        self.email_tokens = accounts.FakeEmailTokenRepository(tables, track)
        self.sessions = accounts.FakeRefreshSessionRepository(tables, track)
        self.audit = accounts.FakeAuditLog(tables, track)
        self.sign_ins = sign_ins.FakeSignInRepository(tables, track)
        self.recovery_codes = sign_ins.FakeRecoveryCodeRepository(tables, track)
        self.password_resets = sign_ins.FakePasswordResetRepository(tables, track)
        self.email_changes = sign_ins.FakeEmailChangeRepository(tables, track)
        self.tasks = work.FakeTaskRepository(tables, track)
        self.assignments = work.FakeAssignmentRepository(tables, track)
        self.reviews = work.FakeReviewRepository(tables, track)
        self.ledger = ledger.FakeLedgerRepository(tables, track)
        self.notifications = work.FakeNotificationRepository(tables, track)
        self.idempotency = work.FakeIdempotencyRepository(tables)
        self.memberships = projects.FakeMembershipRepository(tables)
        self.projects = projects.FakeProjectRepository(tables, track)
        self.invitations = projects.FakeInvitationRepository(tables, track)
        self.outbox = outbox.FakeOutboxRepository(tables, leased=self._factory.after_commit is not None)
        self.deliveries = outbox.FakeDeliveryRepository(tables)
        self.scheduled = scheduled.FakeScheduledQueries(tables)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    def _track(self, obj: object) -> None:
        if isinstance(obj, Aggregate):
            self._seen.append(obj)

    def record(self, *events: Event) -> None:
        self._recorded.extend(events)

    async def commit(self) -> None:
        events, self._recorded = self._recorded, []
        for aggregate in self._seen:
            events += aggregate.pull_events()
        if events:
            await self._factory.side_effects(events, self)
        self._tables.commit()
        self.committed = True
        written = self.outbox.written()
        if written and self._factory.after_commit is not None:
            await self._factory.after_commit(written)


class FakeUnitOfWorkFactory:
    """Writes its side effects as production does; `after_commit` stands in for the relay when a test wires one."""

    def __init__(self, *, base_url: str = BASE_URL, after_commit: AfterCommit | None = None) -> None:
        self.store = Store()
        self.side_effects: EventHandler = SideEffects(base_url)
        self.after_commit = after_commit
        self.mailer: object = None  # the fake mailer behind `after_commit`, when one is wired

    def __call__(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self)
