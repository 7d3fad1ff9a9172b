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


OTP_SEND_COOLDOWN_SECONDS = 60
OTP_SEND_HOURLY = Limit("otp-send-hourly", 5, HOUR)
OTP_SEND_PER_ADDRESS_HOURLY = Limit("otp-send-ip", 30, HOUR)
OTP_VERIFY_FAILURES_HOURLY = Limit("otp-verify-fail", 20, HOUR)
OTP_VERIFY_FAILURES_PER_ADDRESS_HOURLY = Limit("otp-verify-fail-ip", 60, HOUR)
LOGIN_FAILURES_PER_MINUTE = Limit("login-fail-minute", 5, MINUTE)
LOGIN_FAILURES_HOURLY = Limit("login-fail-hour", 100, HOUR)
LOGIN_FAILURES_PER_ADDRESS_MINUTE = Limit("login-fail-ip-minute", 30, MINUTE)
LOGIN_FAILURES_PER_ADDRESS_HOURLY = Limit("login-fail-ip-hour", 300, HOUR)


def _key(limit: Limit, subject: str) -> str:
    return f"limit:{limit.name}:{subject}"


async def consume(limiter: RateLimiter, limit: Limit, subject: str) -> None:
    """Counts an attempt that is limited whether it succeeds or not (sending a code)."""
    if await limiter.hit(_key(limit, subject), limit.window_seconds) > limit.max_events:
        raise TooManyAttempts(retry_after=limit.window_seconds)


async def cool_down(limiter: RateLimiter, name: str, subject: str, seconds: int) -> None:
    """A true cooldown, not a window: two events closer than `seconds` never both pass."""
    if not await limiter.cooldown(f"cooldown:{name}:{subject}", seconds):
        raise TooManyAttempts(retry_after=seconds)


Check = tuple[Limit, str]


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
