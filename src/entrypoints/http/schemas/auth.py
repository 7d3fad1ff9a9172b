"""Request and response bodies of the account and sign-in paths."""

from __future__ import annotations

from uuid import UUID

import msgspec

from domain.sessions import TokenPair
from domain.users import User
from entrypoints.http.schemas.common import Email, FullName, OpaqueToken, OtpCode, Password, Request, TotpCode


class SendOtpIn(Request):
    email: Email


class VerifyOtpIn(Request):
    email: Email
    otp: OtpCode


class EmailTokenOut(msgspec.Struct, frozen=True):
    email_token: str


class RegisterIn(Request):
    email_token: OpaqueToken
    password: Password
    full_name: FullName


class LoginIn(Request):
    email: Email
    password: Password
    totp: TotpCode | None = None


class RefreshIn(Request):
    refresh: OpaqueToken


class ChangePasswordIn(Request):
    current_password: Password
    new_password: Password


class TokenOut(msgspec.Struct, frozen=True):
    access: str
    refresh: str
    token_type: str
    expires_in: int

    @classmethod
    def of(cls, pair: TokenPair) -> TokenOut:
        return cls(access=pair.access, refresh=pair.refresh, token_type=pair.token_type, expires_in=pair.expires_in)


class UserOut(msgspec.Struct, frozen=True):
    id: UUID
    email: str
    full_name: str
    role: str
    is_active: bool
    time_zone: str
    totp_enabled: bool

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            email=user.email,
            full_name=user.full_name,
            role=user.role.value,
            is_active=user.is_active,
            time_zone=user.time_zone,
            totp_enabled=user.totp_secret is not None,
        )
