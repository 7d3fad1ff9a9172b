"""Points as a double-entry ledger: accounts, and immutable transfers that move points between them.

The treasury issues every point, so its balance is minus all the points ever issued; project budgets, task
escrows and member wallets hold points and never go below zero. Every transfer takes from one account exactly
what it gives another, so the balances always sum to zero; a mistake is corrected by a new transfer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID, uuid5

from domain.account_events import BudgetFunded, PointsRedeemed, WalletAdjusted
from domain.errors import BudgetExceeded, DomainError, InsufficientPoints, InvalidInput
from domain.events import Aggregate
from domain.ids import new_id
from domain.tasks import Task

MAX_REASON_LENGTH = 500
MAX_REFERENCE_LENGTH = 100
MAX_TRANSFER = 1_000_000
MAX_FUNDING = 1_000_000_000
MAX_IDEMPOTENCY_KEY = 200
# Account ids are derived from (kind, owner), so a transfer names its accounts without looking them up.
ACCOUNT_NAMESPACE = UUID("6f1c1f0e-5b1a-4d3e-9a57-3f0b8d1e2c44")


class AccountKind(StrEnum):
    TREASURY = "treasury"
    BUDGET = "budget"  # one per project
    ESCROW = "escrow"  # one per task
    WALLET = "wallet"  # one per user


class TransferKind(StrEnum):
    FUNDING = "funding"  # treasury <-> a project budget, by an admin
    RESERVE = "reserve"  # budget (or treasury, for the public board) -> a task's escrow
    RETURN = "return"  # escrow -> where it was reserved from: what no approval can still draw
    REWARD = "reward"  # escrow -> wallet, once per approved assignment
    REDEMPTION = "redemption"  # wallet -> treasury
    ADJUSTMENT = "adjustment"  # treasury <-> wallet, by an admin


@dataclass(frozen=True)
class AccountKey:
    kind: AccountKind
    owner_id: UUID | None = None  # the project, task or user; none for the treasury

    def __post_init__(self) -> None:
        if (self.kind is AccountKind.TREASURY) != (self.owner_id is None):
            raise ValueError("the treasury alone has no owner")

    @property
    def id(self) -> UUID:
        return uuid5(ACCOUNT_NAMESPACE, f"{self.kind.value}:{self.owner_id.hex if self.owner_id else ''}")


TREASURY = AccountKey(AccountKind.TREASURY)


def budget_of(project_id: UUID) -> AccountKey:
    return AccountKey(AccountKind.BUDGET, project_id)


def escrow_of(task_id: UUID) -> AccountKey:
    return AccountKey(AccountKind.ESCROW, task_id)


def wallet_of(user_id: UUID) -> AccountKey:
    return AccountKey(AccountKind.WALLET, user_id)


def escrow_needed(task: Task) -> int:
    """What a task's escrow must hold, always: its points for every slot an approval could still draw. That is
    every slot not yet approved while the task is open; once it is closed, the slots held now; none once it is
    deleted, as a deleted task's work can no longer be reviewed."""
    if task.is_deleted:
        return 0
    return task.points * ((task.claim_limit if task.is_open else task.slots_taken) - task.approved_slots)


def source_of(project_id: UUID | None) -> AccountKey:
    """Where a task's escrow is reserved from: its project's budget, or the treasury for the public board."""
    return TREASURY if project_id is None else budget_of(project_id)


@dataclass(frozen=True)
class Transfer:
    """Moves `amount` points from the debit account to the credit account; never changed once written."""

    debit: AccountKey
    credit: AccountKey
    amount: int
    kind: TransferKind
    reason: str
    reference: str
    created_at: datetime
    actor_id: UUID | None = None
    assignment_id: UUID | None = None
    id: UUID = field(default_factory=new_id)

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise InvalidInput("A transfer moves a positive number of points.", field="points")
        if self.debit == self.credit:
            raise InvalidInput("An account cannot pay itself.")
        if (self.kind is TransferKind.REWARD) != (self.assignment_id is not None):
            raise ValueError("a reward, and only a reward, pays for an assignment")
        if len(self.reason) > MAX_REASON_LENGTH or len(self.reference) > MAX_REFERENCE_LENGTH:
            raise InvalidInput(f"The reason may be at most {MAX_REASON_LENGTH} characters.", field="reason")

    def points_for(self, account: AccountKey) -> int:
        """The transfer as that account sees it: positive when it received the points."""
        return self.amount if account == self.credit else -self.amount


# What refuses a payment an account cannot cover, by the kind of account.
SHORT: dict[AccountKind, type[DomainError]] = {
    AccountKind.WALLET: InsufficientPoints,
    AccountKind.BUDGET: BudgetExceeded,
    AccountKind.ESCROW: BudgetExceeded,
}


@dataclass
class Account(Aggregate):
    """An account's balance as read in this transaction (locked where a rule depends on it)."""

    key: AccountKey
    balance: int = 0

    def pay(
        self,
        to: AccountKey,
        amount: int,
        kind: TransferKind,
        now: datetime,
        *,
        reason: str,
        reference: str,
        actor_id: UUID | None = None,
        assignment_id: UUID | None = None,
    ) -> Transfer:
        """Only the treasury may pay more than it holds."""
        transfer = Transfer(self.key, to, amount, kind, reason, reference, now, actor_id, assignment_id)
        if self.key.kind is not AccountKind.TREASURY and self.balance < amount:
            raise SHORT[self.key.kind]()
        self.balance -= amount
        return transfer

    def receive(self, transfer: Transfer) -> None:
        assert transfer.credit == self.key, "a transfer credits its own account"
        self.balance += transfer.amount


def treasury() -> Account:
    """The treasury as a payer: its balance does not limit what it issues, so it is not read."""
    return Account(TREASURY)


def _reason(text: str, name: str, *, required: bool) -> str:
    if len(text) > MAX_REASON_LENGTH or (required and not text.strip()):
        low = "1" if required else "0"
        raise InvalidInput(f"The {name} must be {low} to {MAX_REASON_LENGTH} characters.", field=name)
    return text.strip()


def redemption(wallet: Account, points: int, note: str, now: datetime) -> Transfer:
    """A member spends points: they go back to the treasury."""
    if not 1 <= points <= MAX_TRANSFER:
        raise InvalidInput(f"Redeem between 1 and {MAX_TRANSFER} points.", field="points")
    owner = _owner(wallet)
    reason = _reason(note, "note", required=False) or "Redemption"
    transfer = wallet.pay(
        TREASURY, points, TransferKind.REDEMPTION, now, reason=reason, reference="redemption", actor_id=owner
    )
    wallet.record(PointsRedeemed(at=now, user_id=owner, points=points))
    return transfer


def _exchange(
    account: Account, points: int, kind: TransferKind, reason: str, actor_id: UUID, now: datetime
) -> Transfer:
    """Points issued from the treasury into the account (positive), or taken back to it (negative)."""
    reference = f"admin:{actor_id}"
    if points < 0:
        return account.pay(TREASURY, -points, kind, now, reason=reason, reference=reference, actor_id=actor_id)
    transfer = treasury().pay(account.key, points, kind, now, reason=reason, reference=reference, actor_id=actor_id)
    account.receive(transfer)
    return transfer


def adjustment(wallet: Account, points: int, reason: str, actor_id: UUID, now: datetime) -> Transfer:
    """An admin corrects a wallet: points issued from the treasury, or taken back to it."""
    if points == 0 or abs(points) > MAX_TRANSFER:
        raise InvalidInput(f"Adjust by a non-zero amount of at most {MAX_TRANSFER} points.", field="points")
    why = _reason(reason, "reason", required=True)
    transfer = _exchange(wallet, points, TransferKind.ADJUSTMENT, why, actor_id, now)
    wallet.record(WalletAdjusted(at=now, user_id=_owner(wallet), points=points, reason=why, by=actor_id))
    return transfer


def funding(budget: Account, points: int, reason: str, actor_id: UUID, now: datetime) -> Transfer:
    """An admin grants a project points from the treasury, or takes back what its budget still holds."""
    if points == 0 or abs(points) > MAX_FUNDING:
        raise InvalidInput(f"Fund by a non-zero amount of at most {MAX_FUNDING} points.", field="points")
    why = _reason(reason, "reason", required=True)
    transfer = _exchange(budget, points, TransferKind.FUNDING, why, actor_id, now)
    budget.record(BudgetFunded(at=now, project_id=_owner(budget), points=points, reason=why, by=actor_id))
    return transfer


def _owner(account: Account) -> UUID:
    assert account.key.owner_id is not None, "the treasury has no owner"
    return account.key.owner_id


@dataclass(frozen=True)
class BudgetSummary:
    """Granted = reserved + spent + available, as long as the ledger holds its invariants."""

    granted: int
    reserved: int
    spent: int
    available: int
