"""Wallets, their immutable ledger entries, and the idempotency keys of redemptions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.db.base import TableRepository
from adapters.db.errors import refusals
from adapters.db.tables import idempotency_keys, ledger_entries, wallets
from application.ports.repositories import IdempotencyRecord
from domain.wallets import EntryKind, LedgerEntry, Wallet


class SqlWalletRepository:
    def __init__(self, connection: Any, track: Callable[[object], None]) -> None:
        self._conn = connection
        self._track = track

    async def get(self, user_id: UUID, *, for_update: bool = False) -> Wallet:
        dialect = postgresql if self._conn.dialect.name == "postgresql" else sqlite
        await self._conn.execute(
            dialect.insert(wallets)
            .values(user_id=user_id, balance=0, earned=0, redeemed=0)
            .on_conflict_do_nothing(index_elements=["user_id"])
        )
        query = select(wallets).where(wallets.c.user_id == user_id)
        row = (await self._conn.execute(query.with_for_update() if for_update else query)).one()
        wallet = Wallet(**row._mapping)
        self._track(wallet)
        return wallet

    async def update(self, wallet: Wallet) -> None:
        async with refusals():
            await self._conn.execute(
                update(wallets)
                .where(wallets.c.user_id == wallet.user_id)
                .values(balance=wallet.balance, earned=wallet.earned, redeemed=wallet.redeemed)
            )


def entry_from_row(row: Row[Any]) -> LedgerEntry:
    values = dict(row._mapping)
    values["kind"] = EntryKind(values["kind"])
    return LedgerEntry(**values)


class SqlLedgerRepository(TableRepository[LedgerEntry]):
    table = ledger_entries
    entity = LedgerEntry

    def from_row(self, row: Row[Any]) -> LedgerEntry:
        return entry_from_row(row)


class SqlIdempotencyRepository:
    def __init__(self, connection: Any) -> None:
        self._conn = connection

    async def get(self, user_id: UUID, key: str) -> IdempotencyRecord | None:
        row = (
            await self._conn.execute(
                select(idempotency_keys).where(idempotency_keys.c.user_id == user_id, idempotency_keys.c.key == key)
            )
        ).first()
        return None if row is None else IdempotencyRecord(**row._mapping)

    async def add(self, record: IdempotencyRecord) -> None:
        await self._conn.execute(
            insert(idempotency_keys).values(
                user_id=record.user_id,
                key=record.key,
                request_digest=record.request_digest,
                result_ref=record.result_ref,
                created_at=record.created_at,
            )
        )
