"""What happened to accounts, sign-ins and wallets: mostly for the audit log, some for an email."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from domain.events import Event


@dataclass(frozen=True, kw_only=True)
class OtpIssued(Event):
    email: str
    code: str
    minutes: int


@dataclass(frozen=True, kw_only=True)
class SignUpOfExistingAccount(Event):
    email: str


@dataclass(frozen=True, kw_only=True)
class AccountRegistered(Event):
    user_id: UUID
    role: str


@dataclass(frozen=True, kw_only=True)
class AdminEnsured(Event):
    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class PasswordChanged(Event):
    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class RoleChanged(Event):
    user_id: UUID
    role: str
    by: UUID


@dataclass(frozen=True, kw_only=True)
class AccountDeactivated(Event):
    user_id: UUID
    by: UUID


@dataclass(frozen=True, kw_only=True)
class AccountReactivated(Event):
    user_id: UUID
    by: UUID


@dataclass(frozen=True, kw_only=True)
class LoginFailed(Event):
    email: str
    user_id: UUID | None


@dataclass(frozen=True, kw_only=True)
class SignedIn(Event):
    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class RefreshReplayed(Event):
    user_id: UUID
    family_id: UUID


@dataclass(frozen=True, kw_only=True)
class SignedOut(Event):
    user_id: UUID


# Points.


@dataclass(frozen=True, kw_only=True)
class PointsRedeemed(Event):
    user_id: UUID
    points: int


@dataclass(frozen=True, kw_only=True)
class WalletAdjusted(Event):
    user_id: UUID
    points: int
    reason: str
    by: UUID


# Sudo mode.


@dataclass(frozen=True, kw_only=True)
class PasswordConfirmed(Event):
    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class PasswordConfirmationFailed(Event):
    user_id: UUID


# Budgets.


@dataclass(frozen=True, kw_only=True)
class BudgetFunded(Event):
    project_id: UUID
    points: int
    reason: str
    by: UUID


# Email deliveries.


@dataclass(frozen=True, kw_only=True)
class DeliveryRetried(Event):
    outbox_id: UUID
    by: UUID | None  # None: an operator's `run-job retry-failed-email`
