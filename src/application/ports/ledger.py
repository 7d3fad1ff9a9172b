"""The ledger's ports: accounts and their transfers, the idempotency keys of redemptions, and the checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol
from uuid import UUID

from domain.ledger import Account, AccountKey, BudgetSummary, Transfer


class LedgerRepository(Protocol):
    async def account(self, key: AccountKey, *, for_update: bool = False) -> Account:
        """The account as it is now; one never used reads as empty (its first transfer opens it)."""
        ...

    async def post(self, transfer: Transfer) -> None:
        """Writes the transfer and moves both balances by its amount, in this transaction. Raises
        `AlreadyRewarded` for a second reward of one assignment, and `InsufficientPoints` (a wallet) or
        `BudgetExceeded` (a budget or an escrow) when a balance would go below zero."""
        ...

    async def get(self, transfer_id: UUID) -> Transfer | None: ...
    async def budget(self, project_id: UUID) -> BudgetSummary: ...


@dataclass(frozen=True)
class IdempotencyRecord:
    user_id: UUID
    key: str
    request_digest: str
    result_ref: str
    created_at: datetime


class IdempotencyRepository(Protocol):
    async def get(self, user_id: UUID, key: str) -> IdempotencyRecord | None: ...
    async def add(self, record: IdempotencyRecord) -> None: ...


class LedgerChecks(Protocol):
    """Each counts the rows that break one money invariant, in one statement (so over one snapshot)."""

    async def balance_sum(self) -> int:
        """The sum over every account: zero when every transfer took what it gave."""
        ...

    async def negative_accounts(self) -> int:
        """Accounts other than the treasury below zero."""
        ...

    async def balances_off_their_transfers(self) -> int:
        """Accounts whose balance is not what their transfers add up to (and transfers into no account)."""
        ...

    async def escrows_off_their_transfers(self) -> int:
        """Escrows not holding what was reserved into them, minus what was drawn and returned."""
        ...

    async def escrows_off_their_tasks(self) -> int:
        """Escrows not holding their task's points for every slot an approval could still draw."""
        ...

    async def rewards_off_their_approvals(self) -> int:
        """Assignments without exactly the one reward their approval paid (none unless approved)."""
        ...
