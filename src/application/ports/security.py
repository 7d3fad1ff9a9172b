"""Passwords, signed tokens, keyed digests and the counters that limit how often people may try."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.sessions import TokenClaims, TokenKind
from domain.sign_ins import SignIn
from domain.users import User


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...
    async def verify(self, password_hash: str, password: str) -> bool: ...
    def needs_rehash(self, password_hash: str) -> bool: ...
    async def dummy_hash(self) -> str:
        """A hash of no one's password, at this hasher's cost, made once: verifying an unknown email's
        attempt against it costs what verifying a known one does."""
        ...


class TokenCodec(Protocol):
    def encode(self, claims: TokenClaims) -> str: ...
    def decode(self, token: str, kind: TokenKind) -> TokenClaims:
        """Raises `InvalidToken` for anything but a valid, unexpired token of exactly this kind."""
        ...


class SecretDigest(Protocol):
    """A keyed digest for short secrets (OTP codes) so a leaked table cannot be brute-forced offline."""

    def __call__(self, value: str) -> str: ...


class RateLimiter(Protocol):
    """Fixed-window counters shared by every process (Redis in production)."""

    async def hit(self, key: str, window_seconds: int) -> int:
        """Counts one event in the current window and returns the count so far."""
        ...

    async def count(self, key: str, window_seconds: int) -> int: ...
    async def give_back(self, key: str, window_seconds: int) -> None:
        """Takes back one event of the current window (an attempt that turned out fine)."""
        ...

    async def reset(self, key: str, window_seconds: int) -> None: ...
    async def cooldown(self, key: str, seconds: int) -> bool:
        """Starts a cooldown of exactly `seconds`; False when one is already running for the key."""
        ...


@dataclass(frozen=True)
class Provisioning:
    """What an authenticator app needs, shown once at setup."""

    secret: str
    uri: str
    qr_svg: str


class Authenticator(Protocol):
    """Time-based codes (RFC 6238). Secrets leave it only sealed (encrypted), except in `provisioning`."""

    def new_secret(self) -> str:
        """A fresh secret, sealed."""
        ...

    def provisioning(self, sealed: str, account: str) -> Provisioning: ...
    def matching_step(self, sealed: str, code: str, now: datetime) -> int | None:
        """The time step the code belongs to, within one step either side of now; None if it matches none."""
        ...


UserSignIn = tuple[User, SignIn]


class SignedInUsers(Protocol):
    """Copies of the users behind recent requests, each with the live sign-in it came through, kept in the
    process so authenticating reads no database.

    `forget` drops every copy of a user (all their sign-ins) in this process and tells every other process; a
    process that cannot hear those messages keeps no copies at all."""

    async def signed_in(
        self, user_id: UUID, sign_in_id: UUID, load: Callable[[], Awaitable[UserSignIn | None]]
    ) -> UserSignIn | None:
        """The kept copy (fresh objects each call), else `load()`, kept unless a `forget` raced it."""
        ...

    def used(self, user_id: UUID, sign_in_id: UUID, at: datetime) -> None:
        """The kept sign-in's last use, after it was written: this process does not write it again soon."""
        ...

    async def forget(self, user_ids: Collection[UUID]) -> None: ...
