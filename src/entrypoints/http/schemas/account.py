"""Request and response bodies of the profile, email change, sessions, two-factor and password-reset paths."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec

from domain.verification import MAX_SECRET_TOKEN_LENGTH, SECRET_TOKEN_PATTERN
from entrypoints.http.schemas.common import Email, FullName, OtpCode, Password, Request, SecondFactor, TotpCode

TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Europe/Paris"])]
ResetToken = Annotated[str, msgspec.Meta(max_length=MAX_SECRET_TOKEN_LENGTH, pattern=SECRET_TOKEN_PATTERN)]


class ProfileIn(Request):
    full_name: FullName | msgspec.UnsetType = msgspec.UNSET
    time_zone: TimeZone | msgspec.UnsetType = msgspec.UNSET


class PasswordIn(Request):
    password: Password


class EmailChangeIn(Request):
    new_email: Email
    password: Password


class EmailConfirmIn(Request):
    code: OtpCode


class SignInOut(msgspec.Struct, frozen=True):
    id: UUID
    kind: str
    created_at: datetime
    last_used_at: datetime
    client_address: str
    user_agent: str
    current: bool


class TwoFactorSetupOut(msgspec.Struct, frozen=True):
    secret: str
    uri: str
    qr_svg: str


class TwoFactorCodeIn(Request):
    code: TotpCode


class TwoFactorDisableIn(Request):
    code: SecondFactor
    password: Password | None = None


class RecoveryCodesOut(msgspec.Struct, frozen=True):
    recovery_codes: list[str]


class ForgotIn(Request):
    email: Email


class ResetIn(Request):
    token: ResetToken
    new_password: Password


class SecondFactorIn(Request):
    code: SecondFactor
