"""The ports: what the use cases need from the outside world, as Protocols the adapters implement."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self
from uuid import UUID

from domain.audit import AuditEntry
from domain.sessions import RefreshSession, TokenClaims, TokenKind
from domain.users import User
from domain.verification import EmailOtp, EmailToken


class Clock(Protocol):
    def now(self) -> datetime: ...


class UserRepository(Protocol):
    async def add(self, user: User) -> None: ...
    async def get(self, user_id: UUID, *, for_update: bool = False) -> User | None: ...
    async def get_by_email(self, email: str, *, for_update: bool = False) -> User | None: ...
    async def update(self, user: User) -> None: ...


class OtpRepository(Protocol):
    async def add(self, otp: EmailOtp) -> None: ...
    async def latest_for(self, email: str, *, for_update: bool = False) -> EmailOtp | None: ...
    async def update(self, otp: EmailOtp) -> None: ...


class EmailTokenRepository(Protocol):
    async def add(self, token: EmailToken) -> None: ...
    async def get_by_digest(self, digest: str, *, for_update: bool = False) -> EmailToken | None: ...
    async def update(self, token: EmailToken) -> None: ...


class RefreshSessionRepository(Protocol):
    async def add(self, session: RefreshSession) -> None: ...
    async def get(self, session_id: UUID, *, for_update: bool = False) -> RefreshSession | None: ...
    async def update(self, session: RefreshSession) -> None: ...
    async def revoke_family(self, family_id: UUID, now: datetime) -> int: ...
    async def revoke_all_for_user(self, user_id: UUID, now: datetime) -> int: ...


class AuditLog(Protocol):
    async def add(self, entry: AuditEntry) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the block without `commit()` rolls everything back."""

    users: UserRepository
    otps: OtpRepository
    email_tokens: EmailTokenRepository
    sessions: RefreshSessionRepository
    audit: AuditLog

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...
    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...


class TokenCodec(Protocol):
    def encode(self, claims: TokenClaims) -> str: ...
    def decode(self, token: str, kind: TokenKind) -> TokenClaims:
        """Raises `InvalidToken` for anything but a valid, unexpired token of exactly this kind."""
        ...


class SecretDigest(Protocol):
    """A keyed digest for short secrets (OTP codes) so a leaked table cannot be brute-forced offline."""

    def __call__(self, value: str) -> str: ...


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail) -> None: ...


class RateLimiter(Protocol):
    """Fixed-window counters shared by every process (Redis in production)."""

    async def hit(self, key: str, window_seconds: int) -> int:
        """Counts one event in the current window and returns the count so far."""
        ...

    async def count(self, key: str, window_seconds: int) -> int: ...
    async def reset(self, key: str, window_seconds: int) -> None: ...
