"""`check-ledger`: every money invariant of the ledger, each counted over the whole database."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.ledger import LedgerChecks


@dataclass(frozen=True)
class Invariant:
    name: str
    meaning: str


@dataclass(frozen=True)
class Finding:
    invariant: Invariant
    count: int  # points off for the sum, offending rows for the others

    @property
    def holds(self) -> bool:
        return self.count == 0


SUM_ZERO = Invariant("sum_zero", "the balances of all accounts sum to zero")
NOT_NEGATIVE = Invariant("not_negative", "no account but the treasury is below zero")
BALANCES = Invariant("balances_match_transfers", "each balance equals the sum of its transfers")
ESCROWS = Invariant("escrows_match_transfers", "each escrow equals reserved minus drawn minus returned")
ESCROW_COVER = Invariant("escrows_match_tasks", "each escrow holds its task's points for every drawable slot")
REWARDS = Invariant("one_reward_per_approval", "each approved assignment has exactly one reward")


async def check_ledger(checks: LedgerChecks) -> list[Finding]:
    """Every invariant with what breaks it (0 when it holds); each check is one statement over one snapshot."""
    return [
        Finding(SUM_ZERO, abs(await checks.balance_sum())),
        Finding(NOT_NEGATIVE, await checks.negative_accounts()),
        Finding(BALANCES, await checks.balances_off_their_transfers()),
        Finding(ESCROWS, await checks.escrows_off_their_transfers()),
        Finding(ESCROW_COVER, await checks.escrows_off_their_tasks()),
        Finding(REWARDS, await checks.rewards_off_their_approvals()),
    ]
