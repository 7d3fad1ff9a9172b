"""Sudo mode: an admin gives their password again before a sensitive action; it holds for ten minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

SUDO_WINDOW = timedelta(minutes=10)


def sudo_is_fresh(confirmed_at: datetime | None, now: datetime) -> bool:
    """True while the last confirmation is under ten minutes old (a time in the future counts as none)."""
    return confirmed_at is not None and confirmed_at <= now < confirmed_at + SUDO_WINDOW
