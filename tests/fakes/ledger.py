"""The fake ledger: accounts opened by their first transfer, balances moved with each, refused as the schema
refuses (a wallet, budget or escrow below zero, a second reward of one assignment)."""

from __future__ import annotations

from uuid import UUID

from domain.errors import AlreadyRewarded
from domain.ledger import SHORT, Account, AccountKey, AccountKind, BudgetSummary, Transfer, TransferKind, budget_of
from tests.fakes.base import Track
from tests.fakes.store import Tables


class FakeLedgerRepository:
    def __init__(self, tables: Tables, track: Track | None = None) -> None:
        self.t = tables
        self._track = track or (lambda _: None)

    def balance(self, key: AccountKey) -> int:
        stored: Account | None = self.t.get("accounts", key.id)
        return 0 if stored is None else stored.balance

    async def account(self, key: AccountKey, *, for_update: bool = False) -> Account:
        account = Account(key, self.balance(key))
        self._track(account)
        return account

    async def post(self, transfer: Transfer) -> None:
        if transfer.kind is TransferKind.REWARD and any(
            t.kind is TransferKind.REWARD and t.assignment_id == transfer.assignment_id
            for t in self.t.rows("transfers")
        ):
            raise AlreadyRewarded()
        moved = {
            transfer.debit: self.balance(transfer.debit) - transfer.amount,
            transfer.credit: self.balance(transfer.credit) + transfer.amount,
        }
        for key, balance in moved.items():
            if balance < 0 and key.kind is not AccountKind.TREASURY:
                raise SHORT[key.kind]()
        for key, balance in moved.items():
            self.t.put("accounts", key.id, Account(key, balance))
        self.t.put("transfers", transfer.id, transfer)

    async def get(self, transfer_id: UUID) -> Transfer | None:
        found: Transfer | None = self.t.get("transfers", transfer_id)
        return found

    async def budget(self, project_id: UUID) -> BudgetSummary:
        budget = budget_of(project_id)
        accounts: list[Account] = list(self.t.rows("accounts"))
        escrows = {a.key for a in accounts if a.key.kind is AccountKind.ESCROW and self._in(a, project_id)}
        transfers: list[Transfer] = list(self.t.rows("transfers"))
        funding = [t for t in transfers if t.kind is TransferKind.FUNDING and budget in (t.debit, t.credit)]
        granted = sum(t.points_for(budget) for t in funding)
        spent = sum(t.amount for t in transfers if t.kind is TransferKind.REWARD and t.debit in escrows)
        reserved = sum(self.balance(key) for key in escrows)
        return BudgetSummary(granted, reserved, spent, self.balance(budget))

    def _in(self, account: Account, project_id: UUID) -> bool:
        task = self.t.get("tasks", account.key.owner_id)
        return task is not None and task.project_id == project_id
