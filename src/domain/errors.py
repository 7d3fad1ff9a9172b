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
    TOO_LARGE = "too_large"
    UNSUPPORTED = "unsupported"


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

    def __init__(self, message: str | None = None, *, user_id: object = None) -> None:
        super().__init__(message)
        self.user_id = user_id  # whose password passed: for the sign-in page's second step, never shown


class OtpInvalid(InvalidInput):
    code = "otp_invalid"
    message = "The code is wrong, expired or already used."


class EmailTokenInvalid(InvalidInput):
    code = "email_token_invalid"
    message = "The email token is wrong, expired or already used."


class ResetTokenInvalid(InvalidInput):
    code = "reset_token_invalid"
    message = "The reset link is wrong, expired or already used; ask for a new one."


class TwoFactorCodeInvalid(InvalidInput):
    code = "totp_invalid"
    message = "The two-factor code is wrong or was already used."


class TwoFactorState(DomainError):
    code = "two_factor_state"
    kind = ErrorKind.CONFLICT
    message = "Two-factor sign-in is not in a state that allows this."


class SignInNotFound(DomainError):
    code = "session_not_found"
    kind = ErrorKind.NOT_FOUND
    message = "No such session."


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


class TaskNotFound(NotFound):
    code = "task_not_found"
    message = "No such task."


class AssignmentNotFound(NotFound):
    code = "assignment_not_found"
    message = "No such assignment."


class UserNotFound(NotFound):
    code = "user_not_found"
    message = "No such user."


class NotificationNotFound(NotFound):
    code = "notification_not_found"
    message = "No such notification."


class TaskFull(Conflict):
    code = "task_full"
    message = "Every slot of this task is taken."


class TaskClosed(Conflict):
    code = "task_closed"
    message = "This task is closed."


class AlreadyClaimed(Conflict):
    code = "already_claimed"
    message = "You already have (or had) an assignment for this task."


class ActiveClaimHeld(Conflict):
    code = "active_claim_held"
    message = "Submit or release your current task before claiming another."


class WrongState(Conflict):
    code = "wrong_state"
    message = "The assignment is not in a state that allows this."


class OwnSubmission(PermissionDenied):
    code = "own_submission"
    message = "Nobody reviews their own submission."


class InsufficientPoints(Conflict):
    code = "insufficient_points"
    message = "The wallet does not hold enough points."


class BudgetExceeded(Conflict):
    code = "budget_exceeded"
    message = "The budget does not hold enough points for this."


class ReviewerCannotEarn(Conflict):
    code = "reviewer_cannot_earn"
    message = "A reviewer of this task cannot earn its points: nobody is paid for work they could review."


class IdempotencyKeyReused(Conflict):
    code = "idempotency_key_reused"
    message = "This Idempotency-Key was already used with a different request."


class SlugTaken(Conflict):
    code = "slug_taken"
    message = "Another live item already uses this slug."


class LimitBelowHeldSlots(Conflict):
    code = "limit_below_held_slots"
    message = "The claim limit cannot go below the slots already held."


class AlreadyRewarded(Conflict):
    code = "already_rewarded"
    message = "This assignment has already been credited."


class ImageTooLarge(DomainError):
    code = "image_too_large"
    kind = ErrorKind.TOO_LARGE
    message = "The image is larger than 5 MB or 24 megapixels."


class UnsupportedImage(DomainError):
    code = "unsupported_image"
    kind = ErrorKind.UNSUPPORTED
    message = "Send a JPEG, PNG or WebP image."


class ProjectNotFound(NotFound):
    code = "project_not_found"
    message = "No such project."


class InvitationNotFound(NotFound):
    code = "invitation_not_found"
    message = "No such invitation."


class InvitationGone(DomainError):
    code = "invitation_gone"
    kind = ErrorKind.GONE
    message = "This invitation was already used, revoked or has expired."


class InvitationForAnotherEmail(PermissionDenied):
    code = "invitation_for_another_email"
    message = "This invitation was sent to another email address."


class SignInRequired(AuthenticationFailed):
    code = "sign_in_required"
    message = "An account with this email exists: sign in, then accept the invitation."


class AlreadyMember(Conflict):
    code = "already_member"
    message = "This person is already a member of the project."


class LastManager(Conflict):
    code = "last_manager"
    message = "A project keeps at least one manager."


class MemberNotFound(NotFound):
    code = "member_not_found"
    message = "No such member in this project."
