"""The job table: each job name bound to its use case, shared by the inline runner, Dramatiq and the CLI."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from prometheus_client import Gauge

from application import scheduled
from application.delivery_retries import retry_failed_emails
from application.email_delivery import send_email
from application.ledger_check import Finding, check_ledger
from application.outbox import DEFAULT_LEASE, sweep_outbox
from application.ports.clock import Clock
from application.ports.ledger import LedgerChecks
from application.ports.messaging import JobQueue, Mailer
from application.ports.repositories import UnitOfWorkFactory
from application.schedule import local_today
from domain.outbox import RetryPolicy

Handler = Callable[..., Awaitable[object]]
log = logging.getLogger(__name__)
LEDGER_VIOLATIONS = Gauge(
    "taskreward_ledger_violations",
    "What breaks each ledger invariant at the last check (points off for sum_zero, rows for the others)",
    ["invariant"],
)


def report_ledger(findings: list[Finding]) -> int:
    """Sets the gauge and logs: one loud line per broken invariant. Returns how many are broken."""
    for finding in findings:
        LEDGER_VIOLATIONS.labels(finding.invariant.name).set(finding.count)
    broken = [f for f in findings if not f.holds]
    for finding in broken:
        log.error(
            "LEDGER INVARIANT BROKEN: %s (%s): %d", finding.invariant.name, finding.invariant.meaning, finding.count
        )
    if not broken:
        log.info("ledger check: all %d invariants hold", len(findings))
    return len(broken)


@dataclass(frozen=True)
class JobDeps:
    """What the background jobs run with, built once by the composition root."""

    uow: UnitOfWorkFactory
    clock: Clock
    mailer: Mailer
    queue: JobQueue
    checks: LedgerChecks
    time_zone: str = "UTC"
    retry_policy: RetryPolicy = field(default_factory=RetryPolicy)
    lease: timedelta = DEFAULT_LEASE


def job_handlers(deps: JobDeps) -> dict[str, Handler]:
    uow, clock = deps.uow, deps.clock

    def day(today: str | None) -> date:
        return date.fromisoformat(today) if today else local_today(clock.now(), deps.time_zone)

    async def email(outbox_id: str) -> object:
        return await send_email(UUID(outbox_id), uow, clock, deps.mailer, deps.retry_policy)

    async def expire_claims() -> object:
        return await scheduled.expire_claims(uow, clock)

    async def auto_approve() -> object:
        return await scheduled.auto_approve(uow, clock)

    async def mark_overdue(today: str | None = None) -> object:
        return await scheduled.mark_overdue(day(today), uow, clock)

    async def daily_digest(today: str | None = None, at: str | None = None) -> object:
        # From the schedule: the zones at midnight at `at`; on demand (`today`): everyone, for that date.
        if at is not None:
            return await scheduled.digest_at_midnight(datetime.fromisoformat(at), uow, clock)
        return await scheduled.daily_digest(day(today), uow, clock)

    async def purge() -> object:
        return await scheduled.purge(uow, clock)

    async def sweep() -> object:
        return await sweep_outbox(uow, deps.queue, clock, deps.lease)

    async def retry_failed() -> object:
        return await retry_failed_emails(uow, deps.queue, clock, deps.retry_policy)

    async def check(today: str | None = None) -> object:
        # Daily runs are told their local date; the check looks at the whole ledger, whatever the day.
        return report_ledger(await check_ledger(deps.checks))

    return {
        "send_email": email,
        "expire_claims": expire_claims,
        "auto_approve": auto_approve,
        "mark_overdue": mark_overdue,
        "daily_digest": daily_digest,
        "purge": purge,
        "sweep_outbox": sweep,
        "check_ledger": check,
        "retry_failed_email": retry_failed,
    }
