"""Proving an email address: one-time codes, and the short-lived token that a correct code earns."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.account_events import OtpIssued
from domain.errors import EmailTokenInvalid, OtpInvalid
from domain.events import Aggregate
from domain.ids import new_id

OTP_DIGITS = 6
OTP_LIFETIME = timedelta(minutes=10)
OTP_MAX_WRONG_TRIES = 5
EMAIL_TOKEN_LIFETIME = timedelta(minutes=15)
# What a secret token sent in a link may look like (ours are 43 URL-safe characters).
SECRET_TOKEN_PATTERN = r"^[A-Za-z0-9_-]{20,200}$"
MAX_SECRET_TOKEN_LENGTH = 200


class EmailedCode(Protocol):
    """A code mailed to an address and kept as its digest: an OTP, or the code confirming a new email."""

    code_digest: str
    expires_at: datetime
    wrong_tries: int
    used_at: datetime | None


def code_usable(code: EmailedCode, now: datetime) -> bool:
    return code.used_at is None and now < code.expires_at and code.wrong_tries < OTP_MAX_WRONG_TRIES


def try_emailed_code(code: EmailedCode, code_digest: str, now: datetime) -> bool:
    """Spends the code when it matches; counts a wrong try when it does not (five, and it is gone)."""
    if not code_usable(code, now):
        return False
    if secrets.compare_digest(code.code_digest, code_digest):
        code.used_at = now
        return True
    code.wrong_tries += 1
    return False


def generate_otp() -> str:
    return f"{secrets.randbelow(10**OTP_DIGITS):0{OTP_DIGITS}d}"


def generate_secret_token() -> str:
    """256 random bits, URL-safe; only a digest of it is ever stored."""
    return secrets.token_urlsafe(32)


@dataclass
class EmailOtp(Aggregate):
    email: str
    code_digest: str
    created_at: datetime
    expires_at: datetime
    wrong_tries: int = 0
    used_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def issue(cls, email: str, code: str, code_digest: str, now: datetime) -> EmailOtp:
        """Keeps the code's digest; the code itself leaves only in the email the event asks for."""
        otp = cls(email=email, code_digest=code_digest, created_at=now, expires_at=now + OTP_LIFETIME)
        otp.record(OtpIssued(at=now, email=email, code=code, minutes=int(OTP_LIFETIME.total_seconds() // 60)))
        return otp

    def is_usable(self, now: datetime) -> bool:
        return code_usable(self, now)

    def try_code(self, code_digest: str, now: datetime) -> bool:
        return try_emailed_code(self, code_digest, now)

    def verify(self, code_digest: str, now: datetime) -> None:
        if not self.try_code(code_digest, now):
            raise OtpInvalid(field="otp")


@dataclass
class EmailToken:
    """Earned by a correct OTP; lets its holder register that one email, once, for a short while."""

    email: str
    token_digest: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def issue(cls, email: str, token_digest: str, now: datetime) -> EmailToken:
        return cls(email=email, token_digest=token_digest, created_at=now, expires_at=now + EMAIL_TOKEN_LIFETIME)

    def spend(self, now: datetime) -> None:
        if self.used_at is not None or now >= self.expires_at:
            raise EmailTokenInvalid(field="email_token")
        self.used_at = now


def token_digest(token: str) -> str:
    """SHA-256 of a high-entropy token: enough, since 256 random bits cannot be guessed."""
    return hashlib.sha256(token.encode()).hexdigest()
