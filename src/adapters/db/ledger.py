"""The ledger in SQL: a transfer is one INSERT and two balance UPSERTs in the same transaction (on PostgreSQL in
one statement when neither side is the treasury).

An account row is opened by the first transfer that touches it, so nobody has to create accounts ahead of
time. The schema refuses what the domain refuses: a balance below zero (by the CHECK named for the kind of
account), a second reward of one assignment, and any UPDATE or DELETE of a transfer (triggers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from sqlalchemy import Row, case, func, insert, literal, select, true, update
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.errors import refusals
from adapters.db.outbox import dialect_insert
from adapters.db.tables import idempotency_keys, ledger_accounts, ledger_transfers, tasks
from application.ports.ledger import IdempotencyRecord
from domain.ledger import SHORT, Account, AccountKey, AccountKind, BudgetSummary, Transfer, TransferKind, budget_of

_debit, _credit = ledger_accounts.alias("debit"), ledger_accounts.alias("credit")


def transfer_row(transfer: Transfer) -> dict[str, Any]:
    return {
        "id": transfer.id,
        "debit_account_id": transfer.debit.id,
        "credit_account_id": transfer.credit.id,
        "amount": transfer.amount,
        "kind": transfer.kind.value,
        "reason": transfer.reason,
        "reference": transfer.reference,
        "actor_id": transfer.actor_id,
        "assignment_id": transfer.assignment_id,
        "created_at": transfer.created_at,
    }


def _key(kind: str, owner_id: UUID | None) -> AccountKey:
    return AccountKey(AccountKind(kind), owner_id)


class SqlLedgerRepository:
    def __init__(self, connection: AsyncConnection, track: Callable[[object], None]) -> None:
        self._conn = connection
        self._track = track

    async def account(self, key: AccountKey, *, for_update: bool = False) -> Account:
        query = select(ledger_accounts.c.balance).where(ledger_accounts.c.id == key.id)
        balance = (await self._conn.execute(query.with_for_update() if for_update else query)).scalar()
        account = Account(key, int(balance or 0))
        self._track(account)
        return account

    async def post(self, transfer: Transfer) -> None:
        # The treasury's row is the one every issue and redemption touches: it is locked last, briefly.
        moves = sorted(
            ((transfer.debit, -transfer.amount), (transfer.credit, transfer.amount)),
            key=lambda move: move[0].kind is AccountKind.TREASURY,
        )
        async with refusals():
            if self._conn.dialect.name == "postgresql" and AccountKind.TREASURY not in (
                transfer.debit.kind,
                transfer.credit.kind,
            ):
                # Neither side is the treasury, so the lock order does not matter: one round trip.
                posted = await self._conn.execute(self._post_at_once(transfer))
                if posted.first() is None:
                    raise SHORT[transfer.debit.kind]()
                return
            for key, amount in moves:
                moved = await self._conn.execute(self._move(key, amount))
                if moved.rowcount == 0:  # an account never opened has nothing to pay with
                    raise SHORT[key.kind]()
            await self._conn.execute(insert(ledger_transfers).values(transfer_row(transfer)))

    def _post_at_once(self, transfer: Transfer) -> Any:
        """Both moves and the transfer in one statement; no row is inserted when the payer has no account."""
        debit = self._move(transfer.debit, -transfer.amount).returning(ledger_accounts.c.id).cte("debit")
        credit = self._move(transfer.credit, transfer.amount).returning(ledger_accounts.c.id).cte("credit")
        row = transfer_row(transfer)
        values = [literal(value, ledger_transfers.c[name].type).label(name) for name, value in row.items()]
        source = select(*values).select_from(debit).join(credit, true())
        statement = insert(ledger_transfers).from_select(list(row), source).add_cte(debit, credit)
        return statement.returning(ledger_transfers.c.id)

    def _move(self, key: AccountKey, amount: int) -> Any:
        """An account that pays must exist (the treasury aside); one that receives is opened if need be. A plain
        UPDATE for the payer: the CHECK would judge the row an UPSERT proposes before finding the existing one."""
        if amount < 0 and key.kind is not AccountKind.TREASURY:
            return (
                update(ledger_accounts)
                .where(ledger_accounts.c.id == key.id)
                .values(balance=ledger_accounts.c.balance + amount)
            )
        values = {"id": key.id, "kind": key.kind.value, "owner_id": key.owner_id, "balance": amount}
        statement = dialect_insert(self._conn, ledger_accounts).values(values)
        return statement.on_conflict_do_update(
            index_elements=[ledger_accounts.c.id], set_={"balance": ledger_accounts.c.balance + amount}
        )

    async def get(self, transfer_id: UUID) -> Transfer | None:
        query = (
            select(
                ledger_transfers,
                _debit.c.kind.label("debit_kind"),
                _debit.c.owner_id.label("debit_owner"),
                _credit.c.kind.label("credit_kind"),
                _credit.c.owner_id.label("credit_owner"),
            )
            .join(_debit, _debit.c.id == ledger_transfers.c.debit_account_id)
            .join(_credit, _credit.c.id == ledger_transfers.c.credit_account_id)
            .where(ledger_transfers.c.id == transfer_id)
        )
        row = (await self._conn.execute(query)).first()
        return None if row is None else transfer_from_row(row)

    async def budget(self, project_id: UUID) -> BudgetSummary:
        budget = budget_of(project_id).id
        escrows = select(ledger_accounts.c.id).where(
            ledger_accounts.c.kind == AccountKind.ESCROW.value,
            ledger_accounts.c.owner_id.in_(select(tasks.c.id).where(tasks.c.project_id == project_id)),
        )
        t = ledger_transfers
        signed = case((t.c.credit_account_id == budget, t.c.amount), else_=-t.c.amount)
        granted = select(func.coalesce(func.sum(signed), 0)).where(
            t.c.kind == TransferKind.FUNDING.value, (t.c.credit_account_id == budget) | (t.c.debit_account_id == budget)
        )
        spent = select(func.coalesce(func.sum(t.c.amount), 0)).where(
            t.c.kind == TransferKind.REWARD.value, t.c.debit_account_id.in_(escrows)
        )
        reserved = select(func.coalesce(func.sum(ledger_accounts.c.balance), 0)).where(
            ledger_accounts.c.id.in_(escrows)
        )
        available = select(func.coalesce(func.sum(ledger_accounts.c.balance), 0)).where(ledger_accounts.c.id == budget)
        parts = {"granted": granted, "reserved": reserved, "spent": spent, "available": available}
        query = select(*(part.scalar_subquery().label(name) for name, part in parts.items()))
        row = (await self._conn.execute(query)).one()
        return BudgetSummary(int(row.granted), int(row.reserved), int(row.spent), int(row.available))


def transfer_from_row(row: Row[Any]) -> Transfer:
    values = dict(row._mapping)
    return Transfer(
        debit=_key(values["debit_kind"], values["debit_owner"]),
        credit=_key(values["credit_kind"], values["credit_owner"]),
        amount=int(values["amount"]),
        kind=TransferKind(values["kind"]),
        reason=values["reason"],
        reference=values["reference"],
        created_at=values["created_at"],
        actor_id=values["actor_id"],
        assignment_id=values["assignment_id"],
        id=values["id"],
    )


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
