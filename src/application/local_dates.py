"""Dates as people type them, in their own time zone, turned into the instants a query compares."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.errors import InvalidInput

# Far enough apart for any real search, near enough that no time zone pushes an instant off the calendar.
EARLIEST = date(1970, 1, 1)
LATEST = date(9999, 12, 30)


def local_today(now: datetime, time_zone: str) -> date:
    return now.astimezone(ZoneInfo(time_zone)).date()


def day_range(
    first: date | None, last: date | None, time_zone: str, names: tuple[str, str] = ("from", "to")
) -> tuple[datetime | None, datetime | None]:
    """From the start of `first` (inclusive) to the end of `last` (exclusive bound), in the zone's calendar."""
    for day, name in ((first, names[0]), (last, names[1])):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise InvalidInput(f"The “{name}” date must be between {EARLIEST} and {LATEST}.", field=name)
    if first is not None and last is not None and first > last:
        raise InvalidInput(f"The “{names[0]}” date comes after the “{names[1]}” date.", field=names[0])
    zone = ZoneInfo(time_zone)
    start = datetime.combine(first, time.min, zone) if first is not None else None
    end = datetime.combine(last + timedelta(days=1), time.min, zone) if last is not None else None
    return start, end
