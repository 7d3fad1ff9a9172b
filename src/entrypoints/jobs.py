"""The job table: each job name bound to its use case, shared by the inline runner, Dramatiq and the CLI."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from uuid import UUID

from application import jobs
from application.jobs import JobDeps
from application.outbox import sweep_outbox
from application.ports.messaging import JobQueue
from application.schedule import local_today

Handler = Callable[..., Awaitable[object]]


def job_handlers(deps: JobDeps, queue: JobQueue) -> dict[str, Handler]:
    def day(today: str | None) -> date:
        return date.fromisoformat(today) if today else local_today(deps.clock.now(), deps.time_zone)

    async def send_email(outbox_id: str) -> object:
        return await jobs.send_email(UUID(outbox_id), deps)

    async def expire_claims() -> object:
        return await jobs.expire_claims(deps)

    async def auto_approve() -> object:
        return await jobs.auto_approve(deps)

    async def mark_overdue(today: str | None = None) -> object:
        return await jobs.mark_overdue(day(today), deps)

    async def daily_digest(today: str | None = None) -> object:
        return await jobs.daily_digest(day(today), deps)

    async def purge() -> object:
        return await jobs.purge(deps)

    async def sweep() -> object:
        return await sweep_outbox(deps.uow, queue, deps.clock)

    return {
        "send_email": send_email,
        "expire_claims": expire_claims,
        "auto_approve": auto_approve,
        "mark_overdue": mark_overdue,
        "daily_digest": daily_digest,
        "purge": purge,
        "sweep_outbox": sweep,
    }
