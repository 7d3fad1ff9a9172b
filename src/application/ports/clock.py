"""Time, passed in: the use cases never read the system clock themselves."""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC."""
        ...

    def today(self) -> date:
        """The date now in TIME_ZONE: what due dates are judged against."""
        ...
