"""Request and response bodies of the account and sign-in paths."""

from __future__ import annotations

from uuid import UUID

import msgspec

from entrypoints.http.schemas.common import Email, FullName, OpaqueToken, OtpCode, Password, Request, SecondFactor


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
    totp: SecondFactor | None = None


class RefreshIn(Request):
    refresh: OpaqueToken


class LogoutIn(Request):
    refresh: OpaqueToken
    everywhere: bool = False


class ChangePasswordIn(Request):
    current_password: Password
    new_password: Password


class TokenOut(msgspec.Struct, frozen=True):
    access: str
    refresh: str
    token_type: str
    expires_in: int


class UserOut(msgspec.Struct, frozen=True):
    id: UUID
    email: str
    full_name: str
    role: str
    is_active: bool
    time_zone: str
    totp_enabled: bool
