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
from application.ports import OutgoingEmail
from domain.audit import AuditEntry
from domain.errors import EmailTaken, InvalidToken
from domain.sessions import RefreshSession, TokenClaims, TokenKind
from domain.users import User
from domain.verification import EmailOtp, EmailToken


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
