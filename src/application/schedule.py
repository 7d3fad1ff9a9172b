"""The schedule: which job runs when, in local time, and the runs that fall between two instants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DIGEST_EVERY = timedelta(minutes=15)


@dataclass(frozen=True)
class Entry:
    job: str
    every: timedelta | None = None
    daily_at: time | None = None
    told_the_time: bool = False  # a periodic run is told its instant (`at`)


SCHEDULE = (
    Entry("mark_overdue", daily_at=time(1, 0)),
    # Every quarter hour: each run covers the zones where it is now local midnight (half-hour zones included).
    Entry("daily_digest", every=DIGEST_EVERY, told_the_time=True),
    Entry("expire_claims", every=timedelta(minutes=1)),
    Entry("auto_approve", every=timedelta(minutes=1)),
    Entry("sweep_outbox", every=timedelta(minutes=1)),
    Entry("purge", every=timedelta(hours=1)),
    Entry("check_ledger", daily_at=time(2, 0)),
)


@dataclass(frozen=True)
class Run:
    job: str
    slot: str
    arguments: dict[str, str]

    @property
    def dedupe_key(self) -> str:
        return f"schedule:{self.job}:{self.slot}"


def _periodic(entry: Entry, start: datetime, end: datetime) -> list[Run]:
    assert entry.every is not None
    step = int(entry.every.total_seconds())
    first = (int(start.timestamp()) // step + 1) * step
    runs = []
    for t in range(first, int(end.timestamp()) + 1, step):
        slot = datetime.fromtimestamp(t, start.tzinfo).isoformat(timespec="minutes")
        runs.append(Run(entry.job, slot, {"at": slot} if entry.told_the_time else {}))
    return runs


def _daily(entry: Entry, start: datetime, end: datetime, zone: ZoneInfo) -> list[Run]:
    assert entry.daily_at is not None
    runs = []
    day: date = start.astimezone(zone).date()
    while day <= end.astimezone(zone).date():
        at = datetime.combine(day, entry.daily_at, zone)
        if start < at <= end:
            runs.append(Run(entry.job, day.isoformat(), {"today": day.isoformat()}))
        day += timedelta(days=1)
    return runs


def runs_between(start: datetime, end: datetime, time_zone: str) -> list[Run]:
    """Every run due in (start, end]; daily jobs at local wall-clock time, and told their local date."""
    zone = ZoneInfo(time_zone)
    runs: list[Run] = []
    for entry in SCHEDULE:
        runs += _periodic(entry, start, end) if entry.every else _daily(entry, start, end, zone)
    return runs


def latest_of_each(runs: list[Run]) -> list[Run]:
    """Catching up after a stop: each job's latest missed run only, not one per missed slot."""
    latest: dict[str, Run] = {}
    for run in runs:  # each job's runs come in time order
        latest[run.job] = run
    return list(latest.values())


def local_today(now: datetime, time_zone: str) -> date:
    return now.astimezone(ZoneInfo(time_zone)).date()


def zones_at_midnight(zones: list[str], at: datetime) -> list[str]:
    """The zones whose local time at `at` is in the first quarter hour of the day."""
    found = []
    for zone in zones:
        local = at.astimezone(ZoneInfo(zone))
        if local.hour == 0 and local.minute < DIGEST_EVERY.total_seconds() // 60:
            found.append(zone)
    return found
