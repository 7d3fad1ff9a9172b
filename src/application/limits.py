"""How often people may try things: OTP sends, wrong passwords, per account and per client address."""

from __future__ import annotations

from dataclasses import dataclass

from application.ports.security import RateLimiter
from domain.errors import TooManyAttempts

MINUTE = 60
HOUR = 3600


@dataclass(frozen=True)
class Limit:
    name: str
    max_events: int
    window_seconds: int


Check = tuple[Limit, str]


OTP_SEND_COOLDOWN_SECONDS = 60
OTP_VERIFY_FAILURES_HOURLY = Limit("otp-verify-fail", 20, HOUR)
OTP_VERIFY_FAILURES_PER_ADDRESS_HOURLY = Limit("otp-verify-fail-ip", 60, HOUR)
# A signed-in account's own tries (its password or code again, to change something): only its sessions count
# here, so no stranger can use them against the owner.
PASSWORD_CHANGE_FAILURES_PER_MINUTE = Limit("login-fail-minute", 5, MINUTE)
SIGNED_IN_FAILURES_HOURLY = Limit("signed-in-fail-hour", 100, HOUR)
EMAIL_CHANGE_SENDS_HOURLY = Limit("email-change-hourly", 5, HOUR)  # per account, and per address written to


def own_account_checks(user_id: str) -> list[Check]:
    return [(PASSWORD_CHANGE_FAILURES_PER_MINUTE, user_id), (SIGNED_IN_FAILURES_HOURLY, user_id)]


@dataclass(frozen=True)
class AttemptLimits:
    """How many tries each counter allows (settings of the same names in capitals).

    Counted tightly per (account, client address) and loosely per account: a stranger who exhausts the
    tight limit from their own address leaves the owner, elsewhere, able to sign in; the loose limit is
    reached only from many addresses at once. The per-address limits stop one address trying many accounts.
    """

    login_failures_per_account_address_minute: int = 5
    login_failures_per_account_address_hour: int = 20
    login_failures_per_account_hour: int = 100
    login_failures_per_address_minute: int = 30
    login_failures_per_address_hour: int = 300
    otp_sends_per_account_address_hour: int = 5
    otp_sends_per_account_hour: int = 20
    otp_sends_per_address_hour: int = 30

    def login_checks(self, email: str, client_address: str) -> list[Check]:
        pair = f"{email}|{client_address}"
        return [
            (Limit("login-fail-pair-minute", self.login_failures_per_account_address_minute, MINUTE), pair),
            (Limit("login-fail-pair-hour", self.login_failures_per_account_address_hour, HOUR), pair),
            (Limit("login-fail-hour", self.login_failures_per_account_hour, HOUR), email),
            (Limit("login-fail-ip-minute", self.login_failures_per_address_minute, MINUTE), client_address),
            (Limit("login-fail-ip-hour", self.login_failures_per_address_hour, HOUR), client_address),
        ]

    def otp_send_checks(self, email: str, client_address: str) -> list[Check]:
        return [
            (Limit("otp-send-ip", self.otp_sends_per_address_hour, HOUR), client_address),
            (Limit("otp-send-pair", self.otp_sends_per_account_address_hour, HOUR), f"{email}|{client_address}"),
            (Limit("otp-send-hourly", self.otp_sends_per_account_hour, HOUR), email),
        ]


def _key(limit: Limit, subject: str) -> str:
    return f"limit:{limit.name}:{subject}"


async def consume(limiter: RateLimiter, checks: list[Check]) -> None:
    """Counts an attempt that is limited whether it succeeds or not (sending a code)."""
    for limit, subject in checks:
        if await limiter.hit(_key(limit, subject), limit.window_seconds) > limit.max_events:
            raise TooManyAttempts(retry_after=limit.window_seconds)


async def cool_down(limiter: RateLimiter, name: str, subject: str, seconds: int) -> None:
    """A true cooldown, not a window: two events closer than `seconds` never both pass."""
    if not await limiter.cooldown(f"cooldown:{name}:{subject}", seconds):
        raise TooManyAttempts(retry_after=seconds)


async def start_attempt(limiter: RateLimiter, checks: list[Check]) -> None:
    """Counts the attempt under every limit before the check it guards, so a burst of parallel
    attempts cannot all slip past a limit that only counted failures afterwards."""
    refused: Limit | None = None
    for limit, subject in checks:
        if await limiter.hit(_key(limit, subject), limit.window_seconds) > limit.max_events:
            refused = refused or limit
    if refused is not None:
        raise TooManyAttempts(retry_after=refused.window_seconds)


async def forgive_attempt(limiter: RateLimiter, checks: list[Check]) -> None:
    """An attempt that succeeded does not count against anyone."""
    for limit, subject in checks:
        await limiter.give_back(_key(limit, subject), limit.window_seconds)
