"""In-memory fakes of every port, for unit tests of the use cases: no I/O, no waiting."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from application.identity import Identity
from application.ports.repositories import DigestLine, IdempotencyRecord, OverdueNotice
from domain.access import ProjectRole
from domain.assignments import Assignment, AssignmentStatus, Origin
from domain.audit import AuditEntry
from domain.errors import (
    ActiveClaimHeld,
    AlreadyClaimed,
    AlreadyMember,
    AlreadyRewarded,
    EmailTaken,
    InsufficientPoints,
    InvalidToken,
    SlugTaken,
    TaskClosed,
    TaskFull,
)
from domain.invitations import Invitation, InvitationStatus
from domain.notifications import Notification
from domain.outbox import EmailDelivery, OutboxMessage, OutgoingEmail
from domain.projects import Membership, Project
from domain.sessions import RefreshSession, TokenClaims, TokenKind
from domain.tasks import Task
from domain.users import Role, User
from domain.verification import EmailOtp, EmailToken
from domain.wallets import EntryKind, LedgerEntry, Wallet


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 1, 15, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@dataclass
class Store:
    """What the fake database holds; a unit of work edits a copy and swaps it in on commit."""

    users: dict[UUID, User] = field(default_factory=dict)
    otps: dict[UUID, EmailOtp] = field(default_factory=dict)
    email_tokens: dict[UUID, EmailToken] = field(default_factory=dict)
    sessions: dict[UUID, RefreshSession] = field(default_factory=dict)
    audit: list[AuditEntry] = field(default_factory=list)
    tasks: dict[UUID, Task] = field(default_factory=dict)
    assignments: dict[UUID, Assignment] = field(default_factory=dict)
    wallets: dict[UUID, Wallet] = field(default_factory=dict)
    ledger: dict[UUID, LedgerEntry] = field(default_factory=dict)
    notifications: dict[UUID, Notification] = field(default_factory=dict)
    idempotency: dict[tuple[UUID, str], IdempotencyRecord] = field(default_factory=dict)
    memberships: dict[tuple[UUID, UUID], ProjectRole] = field(default_factory=dict)
    projects: dict[UUID, Project] = field(default_factory=dict)
    invitations: dict[UUID, Invitation] = field(default_factory=dict)
    outbox: dict[UUID, OutboxMessage] = field(default_factory=dict)
    deliveries: dict[UUID, EmailDelivery] = field(default_factory=dict)
    notices: set[tuple[str, UUID, date, UUID]] = field(default_factory=set)


class _Repo:
    def __init__(self, rows: dict[UUID, Any]) -> None:
        self.rows = rows

    async def add(self, obj: Any) -> None:
        self.rows[obj.id] = copy.deepcopy(obj)

    async def get(self, obj_id: UUID, *, for_update: bool = False) -> Any:
        return copy.deepcopy(self.rows.get(obj_id))

    async def update(self, obj: Any) -> None:
        assert obj.id in self.rows
        self.rows[obj.id] = copy.deepcopy(obj)


class FakeUserRepository(_Repo):
    async def add(self, obj: User) -> None:
        if any(u.email == obj.email for u in self.rows.values()):
            raise EmailTaken()
        await super().add(obj)

    async def get_by_email(self, email: str, *, for_update: bool = False) -> User | None:
        return next((copy.deepcopy(u) for u in self.rows.values() if u.email == email), None)


class FakeOtpRepository(_Repo):
    async def latest_for(self, email: str, *, for_update: bool = False) -> EmailOtp | None:
        mine = [o for o in self.rows.values() if o.email == email]
        return copy.deepcopy(max(mine, key=lambda o: o.created_at)) if mine else None


class FakeEmailTokenRepository(_Repo):
    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> EmailToken | None:
        return next((copy.deepcopy(t) for t in self.rows.values() if t.token_digest == digest), None)


class FakeRefreshSessionRepository(_Repo):
    async def revoke_family(self, family_id: UUID, now: datetime) -> int:
        return self._revoke(lambda s: s.family_id == family_id, now)

    async def revoke_all_for_user(self, user_id: UUID, now: datetime) -> int:
        return self._revoke(lambda s: s.user_id == user_id, now)

    def _revoke(self, match: Any, now: datetime) -> int:
        hits = [s for s in self.rows.values() if match(s) and s.revoked_at is None]
        for session in hits:
            session.revoked_at = now
        return len(hits)


class FakeAuditLog:
    def __init__(self, entries: list[AuditEntry]) -> None:
        self.entries = entries

    async def add(self, entry: AuditEntry) -> None:
        self.entries.append(entry)


class FakeTaskRepository(_Repo):
    async def add(self, obj: Task) -> None:
        if await self.slug_taken(obj.slug):
            raise SlugTaken()
        await super().add(obj)

    async def update(self, obj: Task) -> None:
        if not 0 <= obj.slots_taken <= obj.claim_limit:
            raise TaskFull()  # as the database's CHECK refuses it
        await super().update(obj)

    async def take_slot(self, task: Task) -> None:
        stored = self.rows[task.id]
        if not stored.is_open or stored.deleted_at is not None:
            raise TaskClosed()
        if stored.slots_taken >= stored.claim_limit:
            raise TaskFull()
        stored.slots_taken += 1
        task.slots_taken = stored.slots_taken

    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Task | None:
        found = (t for t in self.rows.values() if t.slug == slug and t.deleted_at is None)
        return copy.deepcopy(next(found, None))

    async def slug_taken(self, slug: str) -> bool:
        return any(t.slug == slug and t.deleted_at is None for t in self.rows.values())

    async def delete_for_project(self, project_id: UUID, now: datetime) -> int:
        live = [t for t in self.rows.values() if t.project_id == project_id and t.deleted_at is None]
        for task in live:
            task.deleted_at = now
        return len(live)


def _is_active_claim(a: Assignment) -> bool:
    return a.status is AssignmentStatus.IN_PROGRESS and a.origin is Origin.CLAIMED


class FakeAssignmentRepository(_Repo):
    """Refuses what the database's unique constraints refuse."""

    async def add(self, obj: Assignment) -> None:
        if any(a.task_id == obj.task_id and a.user_id == obj.user_id for a in self.rows.values()):
            raise AlreadyClaimed()
        if _is_active_claim(obj) and await self.active_claim_of(obj.user_id) is not None:
            raise ActiveClaimHeld()
        await super().add(obj)

    async def find(self, task_id: UUID, user_id: UUID) -> Assignment | None:
        found = (a for a in self.rows.values() if a.task_id == task_id and a.user_id == user_id)
        return copy.deepcopy(next(found, None))

    async def active_claim_of(self, user_id: UUID) -> Assignment | None:
        found = (a for a in self.rows.values() if a.user_id == user_id and _is_active_claim(a))
        return copy.deepcopy(next(found, None))

    async def open_claims(
        self, *, task_id: UUID | None = None, project_id: UUID | None = None, user_id: UUID | None = None
    ) -> list[Assignment]:
        return [
            copy.deepcopy(a)
            for a in self.rows.values()
            if a.status is AssignmentStatus.IN_PROGRESS
            and task_id in (None, a.task_id)
            and user_id in (None, a.user_id)
            and project_id in (None, self.tasks[a.task_id].project_id)
        ]


class FakeWalletRepository:
    def __init__(self, rows: dict[UUID, Wallet]) -> None:
        self.rows = rows

    async def get(self, user_id: UUID, *, for_update: bool = False) -> Wallet:
        return copy.deepcopy(self.rows.setdefault(user_id, Wallet(user_id=user_id)))

    async def update(self, wallet: Wallet) -> None:
        if wallet.balance < 0:
            raise InsufficientPoints()
        self.rows[wallet.user_id] = copy.deepcopy(wallet)


class FakeLedgerRepository(_Repo):
    async def add(self, obj: LedgerEntry) -> None:
        if obj.kind is EntryKind.REWARD and any(
            e.kind is EntryKind.REWARD and e.assignment_id == obj.assignment_id for e in self.rows.values()
        ):
            raise AlreadyRewarded()
        await super().add(obj)

    async def update(self, obj: Any) -> None:
        raise AssertionError("ledger entries are immutable")


class FakeNotificationRepository(_Repo):
    async def add_many(self, items: list[Notification]) -> None:
        for item in items:
            await self.add(item)

    async def mark_all_read(self, user_id: UUID, now: datetime) -> int:
        unread = [n for n in self.rows.values() if n.user_id == user_id and n.read_at is None]
        for notification in unread:
            notification.read_at = now
        return len(unread)


class FakeIdempotencyRepository:
    def __init__(self, rows: dict[tuple[UUID, str], IdempotencyRecord]) -> None:
        self.rows = rows

    async def get(self, user_id: UUID, key: str) -> IdempotencyRecord | None:
        return self.rows.get((user_id, key))

    async def add(self, record: IdempotencyRecord) -> None:
        assert (record.user_id, record.key) not in self.rows
        self.rows[(record.user_id, record.key)] = record


class FakeMembershipRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def add(self, membership: Membership) -> None:
        key = (membership.project_id, membership.user_id)
        if key in self.store.memberships:
            raise AlreadyMember()
        self.store.memberships[key] = membership.role

    async def remove(self, project_id: UUID, user_id: UUID) -> None:
        self.store.memberships.pop((project_id, user_id), None)

    async def count_managers(self, project_id: UUID) -> int:
        return sum(p == project_id and r is ProjectRole.MANAGER for (p, _), r in self.store.memberships.items())

    async def role_in(self, project_id: UUID, user_id: UUID) -> ProjectRole | None:
        project = self.store.projects.get(project_id)
        if project is not None and project.deleted_at is not None:
            return None
        return self.store.memberships.get((project_id, user_id))

    async def manages_any(self, user_id: UUID) -> bool:
        return any(u == user_id and r is ProjectRole.MANAGER for (_, u), r in self.store.memberships.items())

    async def reviewer_ids(self, project_id: UUID | None) -> list[UUID]:
        if project_id is None:
            return [u.id for u in self.store.users.values() if u.role is Role.ADMIN and u.is_active]
        return [u for (p, u), r in self.store.memberships.items() if p == project_id and r is ProjectRole.MANAGER]


class FakeProjectRepository(_Repo):
    async def add(self, obj: Project) -> None:
        if await self.slug_taken(obj.slug):
            raise SlugTaken()
        await super().add(obj)

    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Project | None:
        found = (p for p in self.rows.values() if p.slug == slug and p.deleted_at is None)
        return copy.deepcopy(next(found, None))

    async def slug_taken(self, slug: str) -> bool:
        return any(p.slug == slug and p.deleted_at is None for p in self.rows.values())


class FakeInvitationRepository(_Repo):
    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> Invitation | None:
        return copy.deepcopy(next((i for i in self.rows.values() if i.token_digest == digest), None))

    async def pending_for(self, project_id: UUID, email: str, *, for_update: bool = False) -> Invitation | None:
        found = (
            i
            for i in self.rows.values()
            if i.project_id == project_id and i.email == email and i.status is InvitationStatus.PENDING
        )
        return copy.deepcopy(next(found, None))


class FakeOutboxRepository:
    def __init__(self, rows: dict[UUID, OutboxMessage]) -> None:
        self.rows = rows
        self._written: list[OutboxMessage] = []

    async def add(self, message: OutboxMessage) -> None:
        if message.dedupe_key and any(m.dedupe_key == message.dedupe_key for m in self.rows.values()):
            return
        self.rows[message.id] = message
        self._written.append(message)

    async def add_many(self, messages: list[OutboxMessage]) -> None:
        for message in messages:
            await self.add(message)

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        return self.rows.get(message_id)

    async def unsent(self, created_before: datetime, limit: int) -> list[OutboxMessage]:
        waiting = [m for m in self.rows.values() if m.sent_at is None and m.created_at <= created_before]
        return sorted(waiting, key=lambda m: m.created_at)[:limit]

    async def mark_sent(self, ids: list[UUID], now: datetime) -> None:
        for message_id in ids:
            if message_id in self.rows and self.rows[message_id].sent_at is None:
                self.rows[message_id] = replace(self.rows[message_id], sent_at=now)

    async def redact(self, message_id: UUID) -> None:
        self.rows[message_id] = self.rows[message_id].redacted()

    def written(self) -> list[OutboxMessage]:
        return list(self._written)


class FakeDeliveryRepository:
    def __init__(self, rows: dict[UUID, EmailDelivery]) -> None:
        self.rows = rows

    async def get(self, outbox_id: UUID, *, for_update: bool = False) -> EmailDelivery | None:
        return copy.deepcopy(self.rows.get(outbox_id))

    async def claim(self, delivery: EmailDelivery) -> EmailDelivery:
        self.rows.setdefault(delivery.outbox_id, copy.deepcopy(delivery))
        return copy.deepcopy(self.rows[delivery.outbox_id])

    async def save(self, delivery: EmailDelivery) -> None:
        self.rows[delivery.outbox_id] = copy.deepcopy(delivery)


_ACTIVE = (AssignmentStatus.IN_PROGRESS, AssignmentStatus.SUBMITTED)


class FakeScheduledQueries:
    """The scheduled jobs' statements, done the slow and obvious way over the store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def _owed(self, today: date) -> list[tuple[str, UUID, str, str, date, UUID]]:
        store, owed = self.store, []
        for task in store.tasks.values():
            approved = sum(
                a.task_id == task.id and a.status is AssignmentStatus.APPROVED for a in store.assignments.values()
            )
            project = store.projects.get(task.project_id) if task.project_id else None
            if project is not None and not project.accepts_work:
                continue
            if task.deleted_at is None and task.due_date and task.due_date < today and approved < task.claim_limit:
                task.is_overdue = True
                people = {a.user_id for a in store.assignments.values() if a.task_id == task.id and a.status in _ACTIVE}
                people |= {
                    u for (p, u), r in store.memberships.items() if p == task.project_id and r.value == "manager"
                }
                owed += [("task", task.id, task.name, task.slug, task.due_date, u) for u in people]
        for project in store.projects.values():
            if project.accepts_work and project.due_date and project.due_date < today:
                project.is_overdue = True
                people = {u for (p, u) in store.memberships if p == project.id}
                owed += [("project", project.id, project.name, project.slug, project.due_date, u) for u in people]
        return owed

    async def flag_overdue(self, today: date, now: datetime) -> list[OverdueNotice]:
        notices = []
        for kind, item_id, name, slug, due, user_id in self._owed(today):
            user = self.store.users[user_id]
            if user.is_active and (kind, item_id, due, user_id) not in self.store.notices:
                self.store.notices.add((kind, item_id, due, user_id))
                notices.append(OverdueNotice(user_id, user.email, user.full_name, kind, item_id, name, slug, due))
        return notices

    async def digest_lines(self, today: date) -> list[DigestLine]:
        store, lines = self.store, []
        for a in store.assignments.values():
            task, user = store.tasks[a.task_id], store.users[a.user_id]
            if a.status not in _ACTIVE or not user.is_active or task.deleted_at or not task.due_date:
                continue
            if task.project_id and (task.project_id, user.id) not in store.memberships:
                continue
            if task.due_date <= today:
                overdue = task.due_date < today
                lines.append(
                    DigestLine(user.id, user.email, user.full_name, task.name, task.slug, task.due_date, overdue)
                )
        return lines

    async def expired_claims(self, now: datetime, limit: int) -> list[UUID]:
        return [
            a.id
            for a in self.store.assignments.values()
            if a.status is AssignmentStatus.IN_PROGRESS and a.expires_at is not None and a.expires_at <= now
        ][:limit]

    async def due_auto_approvals(self, now: datetime, limit: int) -> list[UUID]:
        return [
            a.id
            for a in self.store.assignments.values()
            if a.status is AssignmentStatus.SUBMITTED and a.auto_approve_at is not None and a.auto_approve_at <= now
        ][:limit]

    async def purge(self, now: datetime) -> dict[str, int]:
        expired = [k for k, o in self.store.otps.items() if o.expires_at < now - timedelta(days=1)]
        for key in expired:
            del self.store.otps[key]
        return {"otps": len(expired)}


class FakeUnitOfWork:
    def __init__(self, store: Store, mailer: FakeMailer | None = None) -> None:
        self._store = store
        self._mailer = mailer
        self.committed = False

    async def __aenter__(self) -> Self:
        self._work = copy.deepcopy(self._store)
        self.users = FakeUserRepository(self._work.users)
        self.otps = FakeOtpRepository(self._work.otps)
        self.email_tokens = FakeEmailTokenRepository(self._work.email_tokens)
        self.sessions = FakeRefreshSessionRepository(self._work.sessions)
        self.audit = FakeAuditLog(self._work.audit)
        self.tasks = FakeTaskRepository(self._work.tasks)
        self.assignments = FakeAssignmentRepository(self._work.assignments)
        self.wallets = FakeWalletRepository(self._work.wallets)
        self.ledger = FakeLedgerRepository(self._work.ledger)
        self.notifications = FakeNotificationRepository(self._work.notifications)
        self.idempotency = FakeIdempotencyRepository(self._work.idempotency)
        self.memberships = FakeMembershipRepository(self._work)
        self.projects = FakeProjectRepository(self._work.projects)
        self.invitations = FakeInvitationRepository(self._work.invitations)
        self.outbox = FakeOutboxRepository(self._work.outbox)
        self.deliveries = FakeDeliveryRepository(self._work.deliveries)
        self.scheduled = FakeScheduledQueries(self._work)
        self.assignments.tasks = self._work.tasks
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    async def commit(self) -> None:
        self._store.__dict__.update(copy.deepcopy(self._work).__dict__)
        self.committed = True
        if self._mailer is not None:
            # Stands in for the relay and the email job: committed emails are delivered at once.
            for written in self.outbox.written():
                message = self._store.outbox[written.id]
                if message.job == "send_email":
                    await self._mailer.send(message.as_email())
                    self._store.outbox[message.id] = replace(message, sent_at=message.created_at)


class FakeUnitOfWorkFactory:
    def __init__(self, mailer: FakeMailer | None = None) -> None:
        self.store = Store()
        self.mailer = mailer

    def __call__(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store, self.mailer)


class FakePasswordHasher:
    """Reversible on purpose: tests read what was stored. `old$` hashes count as outdated."""

    async def hash(self, password: str) -> str:
        return "fake$" + password

    async def verify(self, password_hash: str, password: str) -> bool:
        return password_hash.split("$", 1)[1] == password

    def needs_rehash(self, password_hash: str) -> bool:
        return password_hash.startswith("old$")


class FakeTokenCodec:
    """Opaque random strings mapped to their claims; decoding checks the kind and the clock."""

    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self.issued: dict[str, TokenClaims] = {}

    def encode(self, claims: TokenClaims) -> str:
        token = f"{claims.kind.value}.{secrets.token_hex(8)}"
        self.issued[token] = claims
        return token

    def decode(self, token: str, kind: TokenKind) -> TokenClaims:
        claims = self.issued.get(token)
        if claims is None or claims.kind is not kind or self._clock.now() >= claims.expires_at:
            raise InvalidToken()
        return claims


class FakeMailer:
    def __init__(self) -> None:
        self.sent: list[OutgoingEmail] = []

    async def send(self, email: OutgoingEmail) -> None:
        self.sent.append(email)

    def last_to(self, address: str) -> OutgoingEmail:
        return next(e for e in reversed(self.sent) if e.to == address)


class FakeRateLimiter:
    def __init__(self, clock: FakeClock) -> None:
        self._clock = clock
        self.counts: dict[str, int] = {}
        self.cooldowns: dict[str, datetime] = {}

    def _name(self, key: str, window_seconds: int) -> str:
        return f"{key}:{int(self._clock.now().timestamp()) // window_seconds}"

    async def hit(self, key: str, window_seconds: int) -> int:
        name = self._name(key, window_seconds)
        self.counts[name] = self.counts.get(name, 0) + 1
        return self.counts[name]

    async def count(self, key: str, window_seconds: int) -> int:
        return self.counts.get(self._name(key, window_seconds), 0)

    async def give_back(self, key: str, window_seconds: int) -> None:
        name = self._name(key, window_seconds)
        if self.counts.get(name, 0) > 0:
            self.counts[name] -= 1

    async def reset(self, key: str, window_seconds: int) -> None:
        self.counts.pop(self._name(key, window_seconds), None)

    async def cooldown(self, key: str, seconds: int) -> bool:
        until = self.cooldowns.get(key)
        if until is not None and self._clock.now() < until:
            return False
        self.cooldowns[key] = self._clock.now() + timedelta(seconds=seconds)
        return True


def fake_auth_deps(clock: FakeClock | None = None) -> Identity:
    clock = clock or FakeClock()
    mailer = FakeMailer()
    return Identity(
        uow=FakeUnitOfWorkFactory(mailer),
        clock=clock,
        hasher=FakePasswordHasher(),
        tokens=FakeTokenCodec(clock),
        digest=lambda value: "digest:" + value,
        limiter=FakeRateLimiter(clock),
    )


# Helpers for the unit tests: reach into the fakes, seed accounts, and walk the sign-up steps.

from collections.abc import Callable  # noqa: E402

from application.accounts import SendOtp, VerifyOtp, send_otp, verify_otp  # noqa: E402

CLIENT_ADDRESS = "203.0.113.7"


def fake_store(deps: Identity) -> Store:
    assert isinstance(deps.uow, FakeUnitOfWorkFactory)
    return deps.uow.store


def fake_clock(deps: Identity) -> FakeClock:
    assert isinstance(deps.clock, FakeClock)
    return deps.clock


def fake_mailer(deps: Identity) -> FakeMailer:
    assert isinstance(deps.uow, FakeUnitOfWorkFactory)
    assert deps.uow.mailer is not None
    return deps.uow.mailer


async def seed_user(
    deps: Identity,
    email: str = "ada@example.com",
    password: str = "Analytical-Engine-1843",
    *,
    role: Role = Role.MEMBER,
    password_hash: str | None = None,
    is_active: bool = True,
) -> User:
    user = User(
        email=email,
        full_name="Ada Lovelace",
        role=role,
        password_hash=password_hash or "fake$" + password,
        created_at=deps.clock.now(),
        is_active=is_active,
    )
    async with deps.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


async def edit_user(deps: Identity, user_id: UUID, change: Callable[[User], None]) -> None:
    async with deps.uow() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        change(user)
        await uow.users.update(user)
        await uow.commit()


async def mailed_code(deps: Identity, email: str) -> str:
    await send_otp(SendOtp(email, CLIENT_ADDRESS), deps)
    return str(fake_mailer(deps).last_to(email).context["code"])


async def email_token_for(deps: Identity, email: str) -> str:
    return await verify_otp(VerifyOtp(email, await mailed_code(deps, email)), deps)
