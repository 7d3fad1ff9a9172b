"""`taskreward run-job`: one job, here and now, with its command line checked before anything runs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date, timedelta

from adapters.clock import SystemClock
from application.schedule import local_today
from domain.errors import DomainError
from entrypoints.bootstrap import bootstrap
from entrypoints.settings import Settings

JOB_NAMES = [
    "mark-overdue",
    "daily-digest",
    "expire-claims",
    "auto-approve",
    "purge",
    "sweep-outbox",
    "check-ledger",
    "retry-failed-email",
]
DATED_JOBS = ("mark-overdue", "daily-digest")


class UsageError(Exception):
    """A command line that cannot be run as given: one line on stderr, exit status 2."""


def run_job_date(settings: Settings, args: argparse.Namespace) -> str | None:
    """The checked `--date`: a real date, for a job that takes one, not after tomorrow unless `--force`d
    (a date in the future would flag work that is not due yet as overdue, and email people about it)."""
    if args.date is None:
        return None
    if args.job not in DATED_JOBS:
        raise UsageError(f"--date is for {' and '.join(DATED_JOBS)} only")
    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        raise UsageError(f"--date must be a date as YYYY-MM-DD, not {args.date!r}") from None
    tomorrow = local_today(SystemClock(settings.time_zone).now(), settings.time_zone) + timedelta(days=1)
    if day > tomorrow and not args.force:
        raise UsageError(f"--date {day} is after tomorrow ({tomorrow}, {settings.time_zone}); add --force to run it")
    return day.isoformat()


def cmd_run_job(settings: Settings, args: argparse.Namespace) -> int:
    try:
        today = run_job_date(settings, args)
    except UsageError as exc:
        print(f"taskreward run-job: error: {exc}", file=sys.stderr)
        return 2

    async def run() -> int:
        async with bootstrap(settings) as container:
            try:
                handler = container.handlers[args.job.replace("-", "_")]
                result = await handler(**({"today": today} if today else {}))
            except DomainError as exc:
                print(f"error: {exc.detail}", file=sys.stderr)
                return 2
        print(f"{args.job}: {result}")
        return 0

    return asyncio.run(run())
