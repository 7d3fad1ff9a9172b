"""Accounts: who a user is, their role, and the rules on emails and passwords."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from uuid import UUID
from zoneinfo import available_timezones

from domain.common_passwords import COMMON_PASSWORDS
from domain.errors import AccountInactive, InvalidEmail, InvalidInput, WeakPassword
from domain.events import Aggregate
from domain.ids import new_id
from domain.text import check_single_line

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128
MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 150
MAX_PASSWORD_INPUT = 1024  # longer input is refused before any hashing

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


class Role(StrEnum):
    ADMIN = "admin"
    MANAGER = "manager"
    MEMBER = "member"


def normalize_email(raw: str) -> str:
    email = raw.strip().lower()
    local, _, _ = email.partition("@")
    if len(email) > MAX_EMAIL_LENGTH or len(local) > 64 or ".." in email or not _EMAIL.match(email):
        raise InvalidEmail(field="email")
    return email


def check_password_policy(password: str, *, email: str | None = None) -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise WeakPassword(
            f"The password must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters long.",
            field="password",
        )
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 3:
        raise WeakPassword("The password is too common; choose another.", field="password")
    if email and lowered in (email.lower(), email.lower().partition("@")[0]):
        raise WeakPassword("The password may not be your email address.", field="password")


def check_full_name(raw: str) -> str:
    name = " ".join(check_single_line(raw, "full_name", "full name").split())
    if not name or len(name) > MAX_NAME_LENGTH:
        raise InvalidInput(f"The full name must be 1 to {MAX_NAME_LENGTH} characters.", field="full_name")
    return name


@dataclass
class User(Aggregate):
    email: str
    full_name: str
    role: Role
    password_hash: str
    created_at: datetime
    time_zone: str = "UTC"
    is_active: bool = True
    totp_secret: str | None = None  # sealed (encrypted) by the authenticator, never plain
    session_version: int = 0
    totp_pending_secret: str | None = None
    totp_last_step: int | None = None
    closed_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def totp_enabled(self) -> bool:
        return self.totp_secret is not None

    def ensure_active(self) -> None:
        if not self.is_active:
            raise AccountInactive()

    def end_sessions(self) -> None:
        """Invalidates every access token issued so far (they carry the old version)."""
        self.session_version += 1

    def change_password_hash(self, new_hash: str) -> None:
        self.password_hash = new_hash
        self.end_sessions()

    def deactivate(self) -> None:
        self.is_active = False
        self.end_sessions()

    def activate(self) -> None:
        if self.closed_at is not None:
            raise AccountInactive("A closed account cannot be reactivated.")
        self.is_active = True

    def close(self, now: datetime) -> None:
        """Deactivates and forgets who this was; the id (and so ledger and work history) stays."""
        self.deactivate()
        self.email = closed_email(self.id)
        self.full_name = "Closed account"
        self.password_hash = "!closed"  # no password hashes to this
        self.totp_secret = self.totp_pending_secret = None
        self.totp_last_step = None
        self.closed_at = now

    def change_profile(self, full_name: str | None, time_zone: str | None) -> None:
        if full_name is not None:
            self.full_name = check_full_name(full_name)
        if time_zone is not None:
            self.time_zone = check_time_zone(time_zone)

    def use_totp_step(self, step: int) -> bool:
        """Accepts a code's time step once: a step at or before the last accepted one is a replay."""
        if self.totp_last_step is not None and step <= self.totp_last_step:
            return False
        self.totp_last_step = step
        return True

    def turn_on_totp(self) -> None:
        self.totp_secret, self.totp_pending_secret = self.totp_pending_secret, None

    def turn_off_totp(self) -> None:
        self.totp_secret = self.totp_pending_secret = None
        self.totp_last_step = None

    def change_role(self, role: Role) -> None:
        self.role = role
        self.end_sessions()


def closed_email(user_id: UUID) -> str:
    """A closed account's address: unique, unreachable, and leaves the real one free to register again."""
    return f"closed-{user_id.hex}@closed.invalid"


def check_time_zone(raw: str) -> str:
    name = raw.strip()
    if name not in known_time_zones():
        raise InvalidInput("The time zone must be an IANA name such as Europe/Paris.", field="time_zone")
    return name


@cache
def known_time_zones() -> frozenset[str]:
    return frozenset(available_timezones())
