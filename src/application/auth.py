"""The collaborators every account and sign-in use case shares."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from application.ports.clock import Clock
from application.ports.messaging import Mailer
from application.ports.repositories import UnitOfWorkFactory
from application.ports.security import PasswordHasher, RateLimiter, SecretDigest, TokenCodec


@dataclass(frozen=True)
class AuthDeps:
    uow: UnitOfWorkFactory
    clock: Clock
    hasher: PasswordHasher
    tokens: TokenCodec
    digest: SecretDigest
    mailer: Mailer
    limiter: RateLimiter
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=7)
    default_time_zone: str = "UTC"
