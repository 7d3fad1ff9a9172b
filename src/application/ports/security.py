"""Passwords, signed tokens, keyed digests and the counters that limit how often people may try."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Protocol
from uuid import UUID

from domain.sessions import TokenClaims, TokenKind
from domain.users import User


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


class SignedInUsers(Protocol):
    """Copies of the users behind recent requests, kept in the process so authenticating reads no database.

    `forget` drops a user's copy in this process and tells every other process; a process that cannot hear
    those messages keeps no copies at all."""

    async def user(self, user_id: UUID, load: Callable[[], Awaitable[User | None]]) -> User | None:
        """The kept copy (a fresh object each call), else `load()`, kept unless a `forget` raced it."""
        ...

    async def forget(self, user_ids: Collection[UUID]) -> None: ...
