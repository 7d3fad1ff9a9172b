"""Getting back in and moving house: a password-reset link, and the code that proves a new email address."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import UUID

from domain.errors import OtpInvalid, ResetTokenInvalid
from domain.ids import new_id
from domain.verification import try_emailed_code

RESET_LIFETIME = timedelta(minutes=30)
EMAIL_CHANGE_LIFETIME = timedelta(minutes=15)


@dataclass
class PasswordReset:
    """One emailed link; only its token's digest is kept."""

    user_id: UUID
    token_digest: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def issue(cls, user_id: UUID, token_digest: str, now: datetime) -> PasswordReset:
        return cls(user_id, token_digest, now, now + RESET_LIFETIME)

    def spend(self, now: datetime) -> None:
        if self.used_at is not None or now >= self.expires_at:
            raise ResetTokenInvalid(field="token")
        self.used_at = now


@dataclass
class EmailChange:
    """A pending move to a new address, confirmed by the code mailed there."""

    user_id: UUID
    new_email: str
    code_digest: str
    created_at: datetime
    expires_at: datetime
    wrong_tries: int = 0
    used_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def issue(cls, user_id: UUID, new_email: str, code_digest: str, now: datetime) -> EmailChange:
        return cls(user_id, new_email, code_digest, now, now + EMAIL_CHANGE_LIFETIME)

    def confirm(self, code_digest: str, now: datetime) -> bool:
        """Spends the change when the code matches; counts a wrong try when it does not."""
        return try_emailed_code(self, code_digest, now)

    def require(self, code_digest: str, now: datetime) -> None:
        if not self.confirm(code_digest, now):
            raise OtpInvalid(field="code")
