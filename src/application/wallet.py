"""Wallet use cases: redeem points (idempotently) and admin adjustments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from application.access import ensure_admin
from application.ports.clock import Clock
from application.ports.repositories import IdempotencyRecord, UnitOfWorkFactory
from domain.errors import IdempotencyKeyReused, InvalidInput, UserNotFound
from domain.users import User
from domain.wallets import MAX_IDEMPOTENCY_KEY, LedgerEntry


@dataclass(frozen=True)
class Redeem:
    points: int
    note: str
    idempotency_key: str | None  # the header as sent: missing, blank or too long is refused here


@dataclass(frozen=True)
class Posting:
    """A ledger entry and the balance right after it: the answer a repeated request gets again."""

    entry: LedgerEntry
    balance: int


def _request_digest(cmd: Redeem) -> str:
    return hashlib.sha256(f"{cmd.points}\x00{cmd.note}".encode()).hexdigest()


async def redeem(cmd: Redeem, user: User, uow: UnitOfWorkFactory, clock: Clock) -> tuple[Posting, bool]:
    """Returns the posting and whether it was made now (False: a replay of the same key and body)."""
    key = (cmd.idempotency_key or "").strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        raise InvalidInput(
            f"Send an Idempotency-Key header of 1 to {MAX_IDEMPOTENCY_KEY} characters.", field="Idempotency-Key"
        )
    digest = _request_digest(cmd)
    now = clock.now()
    async with uow() as work:
        # The wallet lock comes first so that two requests with one key take turns.
        wallet = await work.wallets.get(user.id, for_update=True)
        earlier = await work.idempotency.get(user.id, key)
        if earlier is not None:
            if earlier.request_digest != digest:
                raise IdempotencyKeyReused()
            entry_id, _, balance = earlier.result_ref.partition(":")
            entry = await work.ledger.get(UUID(entry_id))
            assert entry is not None
            return Posting(entry, int(balance)), False
        entry = wallet.redeem(cmd.points, cmd.note, now)
        await work.ledger.add(entry)
        await work.wallets.update(wallet)
        await work.idempotency.add(IdempotencyRecord(user.id, key, digest, f"{entry.id}:{wallet.balance}", now))
        await work.commit()
    return Posting(entry, wallet.balance), True


async def adjust_wallet(
    user_id: UUID, points: int, reason: str, admin: User, uow: UnitOfWorkFactory, clock: Clock
) -> Posting:
    ensure_admin(admin)
    now = clock.now()
    async with uow() as work:
        if await work.users.get(user_id) is None:
            raise UserNotFound()
        wallet = await work.wallets.get(user_id, for_update=True)
        entry = wallet.adjust(points, reason, admin.id, now)
        await work.ledger.add(entry)
        await work.wallets.update(wallet)
        await work.commit()
    return Posting(entry, wallet.balance)
