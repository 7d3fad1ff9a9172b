"""Domain errors: each carries a stable machine-readable code and the kind of failure it is."""

from __future__ import annotations

from enum import Enum


class ErrorKind(Enum):
    INVALID = "invalid"
    UNAUTHENTICATED = "unauthenticated"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    GONE = "gone"
    TOO_MANY = "too_many"


class DomainError(Exception):
    code = "domain_error"
    kind = ErrorKind.CONFLICT
    message = "The request breaks a rule."

    def __init__(self, message: str | None = None, *, field: str | None = None) -> None:
        self.detail = message or self.message
        self.field = field
        super().__init__(self.detail)


class InvalidInput(DomainError):
    code = "invalid_input"
    kind = ErrorKind.INVALID
    message = "The input is not valid."


class WeakPassword(InvalidInput):
    code = "weak_password"
    message = "The password is too short, too long or too common."


class InvalidEmail(InvalidInput):
    code = "invalid_email"
    message = "The email address is not valid."


class AuthenticationFailed(DomainError):
    code = "authentication_failed"
    kind = ErrorKind.UNAUTHENTICATED
    message = "Authentication failed."


class InvalidCredentials(AuthenticationFailed):
    code = "invalid_credentials"
    message = "The email or password is wrong."


class InvalidToken(AuthenticationFailed):
    code = "invalid_token"
    message = "The token is missing, expired or not valid here."


class TokenReused(AuthenticationFailed):
    code = "token_reused"
    message = "This refresh token was already used; its whole session has been ended."


class TwoFactorRequired(AuthenticationFailed):
    code = "totp_required"
    message = "A valid two-factor code is required."


class OtpInvalid(InvalidInput):
    code = "otp_invalid"
    message = "The code is wrong, expired or already used."


class EmailTokenInvalid(InvalidInput):
    code = "email_token_invalid"
    message = "The email token is wrong, expired or already used."


class PermissionDenied(DomainError):
    code = "permission_denied"
    kind = ErrorKind.FORBIDDEN
    message = "You may not do this."


class AccountInactive(PermissionDenied):
    code = "account_inactive"
    message = "This account is deactivated."


class NotFound(DomainError):
    code = "not_found"
    kind = ErrorKind.NOT_FOUND
    message = "Not found."


class Conflict(DomainError):
    code = "conflict"
    kind = ErrorKind.CONFLICT


class EmailTaken(Conflict):
    code = "email_taken"
    message = "An account with this email already exists."


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    kind = ErrorKind.TOO_MANY
    message = "Too many attempts; wait and try again."

    def __init__(self, message: str | None = None, *, retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after
