"""In-memory fakes of every port, for unit tests of the use cases: no I/O, no waiting."""

from __future__ import annotations

import copy
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from application.auth import AuthDeps
from application.ports import IdempotencyRecord, OutgoingEmail
from domain.access import ProjectRole
from domain.assignments import Assignment, AssignmentStatus, Origin
from domain.audit import AuditEntry
from domain.errors import ActiveClaimHeld, AlreadyClaimed, AlreadyRewarded, EmailTaken, InsufficientPoints, InvalidToken
from domain.notifications import Notification
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
        assert not await self.slug_taken(obj.slug), "live slugs are unique"
        await super().add(obj)

    async def update(self, obj: Task) -> None:
        assert 0 <= obj.slots_taken <= obj.claim_limit, "the database refuses more slots than the limit"
        await super().update(obj)

    async def get_by_slug(self, slug: str, *, for_update: bool = False) -> Task | None:
        found = (t for t in self.rows.values() if t.slug == slug and t.deleted_at is None)
        return copy.deepcopy(next(found, None))

    async def slug_taken(self, slug: str) -> bool:
        return any(t.slug == slug and t.deleted_at is None for t in self.rows.values())


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


class FakeMembershipReader:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def role_in(self, project_id: UUID, user_id: UUID) -> ProjectRole | None:
        return self.store.memberships.get((project_id, user_id))

    async def manages_any(self, user_id: UUID) -> bool:
        return any(u == user_id and r is ProjectRole.MANAGER for (_, u), r in self.store.memberships.items())

    async def reviewer_ids(self, project_id: UUID | None) -> list[UUID]:
        if project_id is None:
            return [u.id for u in self.store.users.values() if u.role is Role.ADMIN and u.is_active]
        return [u for (p, u), r in self.store.memberships.items() if p == project_id and r is ProjectRole.MANAGER]


class FakeUnitOfWork:
    def __init__(self, store: Store) -> None:
        self._store = store
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
        self.memberships = FakeMembershipReader(self._work)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pass

    async def commit(self) -> None:
        self._store.__dict__.update(copy.deepcopy(self._work).__dict__)
        self.committed = True


class FakeUnitOfWorkFactory:
    def __init__(self) -> None:
        self.store = Store()

    def __call__(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.store)


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

    async def reset(self, key: str, window_seconds: int) -> None:
        self.counts.pop(self._name(key, window_seconds), None)

    async def cooldown(self, key: str, seconds: int) -> bool:
        until = self.cooldowns.get(key)
        if until is not None and self._clock.now() < until:
            return False
        self.cooldowns[key] = self._clock.now() + timedelta(seconds=seconds)
        return True


def fake_auth_deps(clock: FakeClock | None = None) -> AuthDeps:
    clock = clock or FakeClock()
    return AuthDeps(
        uow=FakeUnitOfWorkFactory(),
        clock=clock,
        hasher=FakePasswordHasher(),
        tokens=FakeTokenCodec(clock),
        digest=lambda value: "digest:" + value,
        mailer=FakeMailer(),
        limiter=FakeRateLimiter(clock),
    )


# Helpers for the unit tests: reach into the fakes, seed accounts, and walk the sign-up steps.

from collections.abc import Callable  # noqa: E402

from application.accounts import SendOtp, VerifyOtp, send_otp, verify_otp  # noqa: E402

CLIENT_ADDRESS = "203.0.113.7"


def fake_store(deps: AuthDeps) -> Store:
    assert isinstance(deps.uow, FakeUnitOfWorkFactory)
    return deps.uow.store


def fake_clock(deps: AuthDeps) -> FakeClock:
    assert isinstance(deps.clock, FakeClock)
    return deps.clock


def fake_mailer(deps: AuthDeps) -> FakeMailer:
    assert isinstance(deps.mailer, FakeMailer)
    return deps.mailer


async def seed_user(
    deps: AuthDeps,
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


async def edit_user(deps: AuthDeps, user_id: UUID, change: Callable[[User], None]) -> None:
    async with deps.uow() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        change(user)
        await uow.users.update(user)
        await uow.commit()


async def mailed_code(deps: AuthDeps, email: str) -> str:
    await send_otp(SendOtp(email, CLIENT_ADDRESS), deps)
    return str(fake_mailer(deps).last_to(email).context["code"])


async def email_token_for(deps: AuthDeps, email: str) -> str:
    return await verify_otp(VerifyOtp(email, await mailed_code(deps, email)), deps)
