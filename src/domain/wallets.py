"""Wallets and their ledger: entries are immutable, and the balance is their sum, never negative."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from domain.account_events import PointsRedeemed, WalletAdjusted
from domain.errors import InsufficientPoints, InvalidInput
from domain.events import Aggregate
from domain.ids import new_id

MAX_REASON_LENGTH = 500
MAX_TRANSFER = 1_000_000
MAX_IDEMPOTENCY_KEY = 200


class EntryKind(StrEnum):
    REWARD = "reward"
    REDEMPTION = "redemption"
    ADJUSTMENT = "adjustment"
    REVERSAL = "reversal"


@dataclass(frozen=True)
class LedgerEntry:
    user_id: UUID
    kind: EntryKind
    points: int
    reason: str
    reference: str
    created_at: datetime
    assignment_id: UUID | None = None
    actor_id: UUID | None = None
    id: UUID = field(default_factory=new_id)


@dataclass
class Wallet(Aggregate):
    user_id: UUID
    balance: int = 0
    earned: int = 0
    redeemed: int = 0

    def _post(self, entry: LedgerEntry) -> LedgerEntry:
        if self.balance + entry.points < 0:
            raise InsufficientPoints()
        self.balance += entry.points
        if entry.kind is EntryKind.REWARD:
            self.earned += entry.points
        elif entry.kind is EntryKind.REDEMPTION:
            self.redeemed -= entry.points
        return entry

    def reward(self, points: int, assignment_id: UUID, task_name: str, now: datetime) -> LedgerEntry:
        return self._post(
            LedgerEntry(
                user_id=self.user_id,
                kind=EntryKind.REWARD,
                points=points,
                reason=f"Approved: {task_name}"[:MAX_REASON_LENGTH],
                reference=f"assignment:{assignment_id}",
                created_at=now,
                assignment_id=assignment_id,
            )
        )

    def redeem(self, points: int, note: str, now: datetime) -> LedgerEntry:
        if not 1 <= points <= MAX_TRANSFER:
            raise InvalidInput(f"Redeem between 1 and {MAX_TRANSFER} points.", field="points")
        _check_reason(note, "note", required=False)
        entry = self._post(
            LedgerEntry(
                user_id=self.user_id,
                kind=EntryKind.REDEMPTION,
                points=-points,
                reason=note.strip() or "Redemption",
                reference="redemption",
                created_at=now,
                actor_id=self.user_id,
            )
        )
        self.record(PointsRedeemed(at=now, user_id=self.user_id, points=points))
        return entry

    def adjust(self, points: int, reason: str, actor_id: UUID, now: datetime) -> LedgerEntry:
        if points == 0 or abs(points) > MAX_TRANSFER:
            raise InvalidInput(f"Adjust by a non-zero amount of at most {MAX_TRANSFER} points.", field="points")
        _check_reason(reason, "reason", required=True)
        entry = self._post(
            LedgerEntry(
                user_id=self.user_id,
                kind=EntryKind.ADJUSTMENT,
                points=points,
                reason=reason.strip(),
                reference=f"admin:{actor_id}",
                created_at=now,
                actor_id=actor_id,
            )
        )
        self.record(WalletAdjusted(at=now, user_id=self.user_id, points=points, reason=entry.reason, by=actor_id))
        return entry


def _check_reason(text: str, name: str, *, required: bool) -> None:
    if len(text) > MAX_REASON_LENGTH or (required and not text.strip()):
        raise InvalidInput(
            f"The {name} must be {'1' if required else '0'} to {MAX_REASON_LENGTH} characters.", field=name
        )
