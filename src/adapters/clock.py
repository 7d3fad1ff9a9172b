"""The real clock: aware UTC datetimes, and the local date in the configured time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


class SystemClock:
    def __init__(self, time_zone: str = "UTC") -> None:
        self._zone = ZoneInfo(time_zone)

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(self._zone).date()
