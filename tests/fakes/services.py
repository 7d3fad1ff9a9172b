"""Fakes of the services around the store (clock, hashing, tokens, mail, limits, job queue), and the wiring."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, date, datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from application.email_delivery import send_email
from application.identity import Identity
from application.outbox import relay
from domain.errors import InvalidToken
from domain.outbox import OutgoingEmail, RetryPolicy
from domain.sessions import TokenClaims, TokenKind
from domain.sign_ins import SignIn
from domain.users import User
from tests.fakes.sign_ins import FakeAuthenticator
from tests.fakes.store import FakeUnitOfWorkFactory


class FakeClock:
    def __init__(self, start: datetime | None = None, time_zone: str = "UTC") -> None:
        self.current = start or datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
        self.zone = ZoneInfo(time_zone)

    def now(self) -> datetime:
        return self.current

    def today(self) -> date:
        return self.current.astimezone(self.zone).date()

    def advance(self, delta: timedelta) -> None:
        self.current += delta


class FakePasswordHasher:
    """Reversible on purpose: tests read what was stored. `old$` hashes count as outdated. It counts its
    hashes and verifies, the costly operations, so tests can compare what two paths cost."""

    def __init__(self) -> None:
        self.hashes = 0
        self.verifies = 0

    async def hash(self, password: str) -> str:
        self.hashes += 1
        return "fake$" + password

    async def verify(self, password_hash: str, password: str) -> bool:
        self.verifies += 1
        return password_hash.split("$", 1)[1] == password

    async def dummy_hash(self) -> str:
        return "fake$\x00 no one's password"

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

    async def send(self, email: OutgoingEmail, *, message_key: str | None = None) -> None:
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


class FakeJobQueue:
    """Runs each job at once, in the enqueuing task: the inline runner without the background."""

    def __init__(self) -> None:
        self.handlers: dict[str, Callable[..., Awaitable[object]]] = {}
        self.enqueued: list[tuple[str, dict[str, str]]] = []

    async def enqueue(self, job: str, **arguments: str) -> None:
        self.enqueued.append((job, arguments))
        await self.handlers[job](**arguments)


def deliver_emails(uow: FakeUnitOfWorkFactory, clock: FakeClock) -> FakeMailer:
    """Wires the relay after commit and the email job behind it, as the composition root does."""
    mailer, queue = FakeMailer(), FakeJobQueue()

    async def email(outbox_id: str) -> object:
        return await send_email(UUID(outbox_id), uow, clock, mailer, RetryPolicy())

    queue.handlers["send_email"] = email
    uow.after_commit = lambda messages: relay(messages, uow, queue, clock)
    uow.mailer = mailer
    return mailer


class FakeSignedInUsers:
    """Keeps every user and sign-in it loaded until forgotten, as the real one does within its time limit: a use
    case that changes a user or ends a sign-in without forgetting it leaves a stale copy that the tests see."""

    def __init__(self) -> None:
        self.kept: dict[UUID, dict[UUID, tuple[User, SignIn]]] = {}
        self.forgotten: list[UUID] = []

    async def signed_in(
        self, user_id: UUID, sign_in_id: UUID, load: Callable[[], Awaitable[tuple[User, SignIn] | None]]
    ) -> tuple[User, SignIn] | None:
        kept = self.kept.get(user_id, {}).get(sign_in_id)
        if kept is not None:
            return dataclasses.replace(kept[0]), dataclasses.replace(kept[1])
        found = await load()
        if found is not None:
            self.kept.setdefault(user_id, {})[sign_in_id] = (
                dataclasses.replace(found[0]),
                dataclasses.replace(found[1]),
            )
        return found

    def used(self, user_id: UUID, sign_in_id: UUID, at: datetime) -> None:
        kept = self.kept.get(user_id, {}).get(sign_in_id)
        if kept is not None:
            kept[1].last_used_at = at

    async def forget(self, user_ids: Collection[UUID]) -> None:
        for user_id in user_ids:
            self.kept.pop(user_id, None)
            self.forgotten.append(user_id)


def fake_identity(clock: FakeClock | None = None) -> Identity:
    clock = clock or FakeClock()
    uow = FakeUnitOfWorkFactory()
    deliver_emails(uow, clock)
    return Identity(
        uow=uow,
        clock=clock,
        hasher=FakePasswordHasher(),
        tokens=FakeTokenCodec(clock),
        digest=lambda value: "digest:" + value,
        limiter=FakeRateLimiter(clock),
        authenticator=FakeAuthenticator(),
        signed_in=FakeSignedInUsers(),
    )
