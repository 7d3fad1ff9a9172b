"""Passwords, signed tokens, keyed digests and the counters that limit how often people may try."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.sessions import TokenClaims, TokenKind


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
