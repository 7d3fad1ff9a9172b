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


@dataclass(frozen=True, kw_only=True)
class SignInsChanged(Event):
    """A sign-in of the user ended or the account changed: what authenticated it may be stale."""

    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class SessionEnded(Event):
    user_id: UUID
    sign_in_id: UUID


@dataclass(frozen=True, kw_only=True)
class ProfileChanged(Event):
    user_id: UUID
    fields: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class AccountClosed(Event):
    user_id: UUID
    by: UUID


@dataclass(frozen=True, kw_only=True)
class PasswordResetRequested(Event):
    email: str
    full_name: str
    token: str
    minutes: int


@dataclass(frozen=True, kw_only=True)
class PasswordReset(Event):
    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class EmailChangeRequested(Event):
    user_id: UUID
    new_email: str
    full_name: str
    code: str
    minutes: int


@dataclass(frozen=True, kw_only=True)
class EmailChanged(Event):
    user_id: UUID
    old_email: str


@dataclass(frozen=True, kw_only=True)
class TwoFactorEnabled(Event):
    user_id: UUID


@dataclass(frozen=True, kw_only=True)
class TwoFactorDisabled(Event):
    user_id: UUID
    by: UUID


@dataclass(frozen=True, kw_only=True)
class RecoveryCodeUsed(Event):
    user_id: UUID
    left: int


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
