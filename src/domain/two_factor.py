"""Two-factor sign-in: time-based codes that work once, and one-time recovery codes."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from domain.ids import new_id

RECOVERY_CODE_COUNT = 10
TOTP_DIGITS = 6
# A recovery code: 10 characters from an alphabet without look-alikes, shown as xxxxx-xxxxx.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY = re.compile(r"^[a-z0-9]{5}-?[a-z0-9]{5}$")
_TOTP = re.compile(r"^[0-9]{6}$")


def generate_recovery_codes() -> list[str]:
    def one() -> str:
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        return f"{raw[:5]}-{raw[5:]}"

    return [one() for _ in range(RECOVERY_CODE_COUNT)]


def normalize_recovery_code(raw: str) -> str | None:
    """The stored form of a recovery code (lower case, with its dash), or None for anything else."""
    code = raw.strip().lower().replace(" ", "")
    if not _RECOVERY.match(code):
        return None
    code = code.replace("-", "")
    return f"{code[:5]}-{code[5:]}"


def looks_like_totp(raw: str) -> bool:
    return bool(_TOTP.match(raw.strip()))


@dataclass
class RecoveryCode:
    user_id: UUID
    code_digest: str
    used_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    def spend(self, now: datetime) -> None:
        self.used_at = now
