"""Wallet use cases: redeem points (idempotently) and admin adjustments, both against the treasury."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from uuid import UUID

from application.access import ensure_admin
from application.ports.clock import Clock
from application.ports.ledger import IdempotencyRecord
from application.ports.repositories import UnitOfWorkFactory
from application.views import AccountEntry
from domain.errors import IdempotencyKeyReused, InvalidInput, UserNotFound
from domain.ledger import MAX_IDEMPOTENCY_KEY, Transfer, adjustment, redemption, wallet_of
from domain.users import User


@dataclass(frozen=True)
class Redeem:
    points: int
    note: str
    idempotency_key: str | None  # the header as sent: missing, blank or too long is refused here


@dataclass(frozen=True)
class Posting:
    """A transfer as the wallet sees it, and the balance right after it: what a repeated request gets again."""

    entry: AccountEntry
    balance: int

    @classmethod
    def of(cls, transfer: Transfer, user_id: UUID, balance: int) -> Posting:
        return cls(AccountEntry.of(transfer, wallet_of(user_id)), balance)


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
        wallet = await work.ledger.account(wallet_of(user.id), for_update=True)
        earlier = await work.idempotency.get(user.id, key)
        if earlier is not None:
            if earlier.request_digest != digest:
                raise IdempotencyKeyReused()
            transfer_id, _, balance = earlier.result_ref.partition(":")
            found = await work.ledger.get(UUID(transfer_id))
            assert found is not None
            return Posting.of(found, user.id, int(balance)), False
        transfer = redemption(wallet, cmd.points, cmd.note, now)
        await work.ledger.post(transfer)
        await work.idempotency.add(IdempotencyRecord(user.id, key, digest, f"{transfer.id}:{wallet.balance}", now))
        await work.commit()
    return Posting.of(transfer, user.id, wallet.balance), True


async def adjust_wallet(
    user_id: UUID, points: int, reason: str, admin: User, uow: UnitOfWorkFactory, clock: Clock
) -> Posting:
    ensure_admin(admin)
    now = clock.now()
    async with uow() as work:
        if await work.users.get(user_id) is None:
            raise UserNotFound()
        wallet = await work.ledger.account(wallet_of(user_id), for_update=True)
        transfer = adjustment(wallet, points, reason, admin.id, now)
        await work.ledger.post(transfer)
        await work.commit()
    return Posting.of(transfer, user_id, wallet.balance)
