"""The money invariants as SQL: each statement counts what breaks one of them, over one snapshot."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, case, func, select

from adapters.db.reading import Reader
from adapters.db.tables import assignments, ledger_accounts, ledger_transfers, reviews, tasks
from domain.ledger import AccountKind, TransferKind

a, t = ledger_accounts, ledger_transfers


def _sum(*where: Any) -> Any:
    return select(func.coalesce(func.sum(t.c.amount), 0)).where(*where).scalar_subquery()


class SqlLedgerChecks(Reader):
    async def _count(self, query: Any) -> int:
        return int((await self.rows(query))[0][0])

    async def balance_sum(self) -> int:
        return await self._count(select(func.coalesce(func.sum(a.c.balance), 0)))

    async def negative_accounts(self) -> int:
        return await self._count(select(func.count()).where(a.c.kind != AccountKind.TREASURY.value, a.c.balance < 0))

    async def balances_off_their_transfers(self) -> int:
        sum_of_transfers = _sum(t.c.credit_account_id == a.c.id) - _sum(t.c.debit_account_id == a.c.id)
        return await self._count(select(func.count()).select_from(a).where(a.c.balance != sum_of_transfers))

    async def escrows_off_their_transfers(self) -> int:
        reserved = _sum(t.c.credit_account_id == a.c.id, t.c.kind == TransferKind.RESERVE.value)
        drawn = _sum(t.c.debit_account_id == a.c.id, t.c.kind == TransferKind.REWARD.value)
        returned = _sum(t.c.debit_account_id == a.c.id, t.c.kind == TransferKind.RETURN.value)
        query = (
            select(func.count())
            .select_from(a)
            .where(a.c.kind == AccountKind.ESCROW.value, a.c.balance != reserved - drawn - returned)
        )
        return await self._count(query)

    async def escrows_off_their_tasks(self) -> int:
        """As `domain.ledger.escrow_needed`: points for every slot an approval could still draw."""
        drawable = case(
            (tasks.c.deleted_at.is_not(None), 0),
            (tasks.c.is_open.is_(True), tasks.c.claim_limit - tasks.c.approved_slots),
            else_=tasks.c.slots_taken - tasks.c.approved_slots,
        )
        held = (
            select(func.coalesce(func.sum(a.c.balance), 0))
            .where(a.c.kind == AccountKind.ESCROW.value, a.c.owner_id == tasks.c.id)
            .scalar_subquery()
        )
        return await self._count(select(func.count()).select_from(tasks).where(tasks.c.points * drawable != held))

    async def rewards_off_their_approvals(self) -> int:
        """What an assignment was paid must be what its approval paid: nothing unless it is approved."""
        approval = (
            select(func.coalesce(func.sum(reviews.c.points), 0))
            .where(reviews.c.assignment_id == assignments.c.id, reviews.c.status == "approved")
            .scalar_subquery()
        )
        owed = case((assignments.c.status == "approved", approval), else_=0)
        rewards = (
            select(func.count())
            .where(t.c.kind == TransferKind.REWARD.value, t.c.assignment_id == assignments.c.id)
            .scalar_subquery()
        )
        paid = _sum(t.c.kind == TransferKind.REWARD.value, t.c.assignment_id == assignments.c.id)
        wrong = (paid != owed) | (rewards != case((owed > 0, 1), else_=0))
        return await self._count(select(func.count()).select_from(assignments).where(and_(wrong)))
