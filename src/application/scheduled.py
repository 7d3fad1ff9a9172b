"""The scheduled background use cases; every one is safe to run twice (delivery is at least once)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from application.access import ensure_may_earn, locked_assignment
from application.escrow import pay_approval, settle_escrow
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWorkFactory
from application.ports.scheduled import DigestLine
from application.schedule import zones_at_midnight
from domain.assignments import AssignmentStatus
from domain.errors import ReviewerCannotEarn
from domain.events import DigestDue, DigestItem, ItemOverdue

log = logging.getLogger(__name__)
BATCH = 500
AUTO_APPROVAL_FEEDBACK = "Approved automatically: nobody reviewed it in time."


async def expire_claims(uow: UnitOfWorkFactory, clock: Clock) -> int:
    """In-progress claims past their duration become expired and give their slot back."""
    async with uow() as work:
        ids = await work.scheduled.expired_claims(clock.now(), BATCH)
    return sum([await expire_claim(assignment_id, uow, clock) for assignment_id in ids])


async def expire_claim(assignment_id: UUID, uow: UnitOfWorkFactory, clock: Clock) -> int:
    now = clock.now()
    async with uow() as work:
        locked = await locked_assignment(work, assignment_id)
        if locked is None or locked[0].status is not AssignmentStatus.IN_PROGRESS:
            return 0
        assignment, task = locked
        if assignment.expires_at is None or assignment.expires_at > now:
            return 0
        task.expire(assignment, now)
        await work.assignments.update(assignment)
        await work.tasks.update(task)
        await settle_escrow(work, task, now)
        await work.commit()
    return 1


async def auto_approve(uow: UnitOfWorkFactory, clock: Clock) -> int:
    """Submissions left unreviewed past their task's auto-approve delay are approved and credited."""
    async with uow() as work:
        ids = await work.scheduled.due_auto_approvals(clock.now(), BATCH)
    return sum([await auto_approve_one(assignment_id, uow, clock) for assignment_id in ids])


async def auto_approve_one(assignment_id: UUID, uow: UnitOfWorkFactory, clock: Clock) -> int:
    now = clock.now()
    async with uow() as work:
        locked = await locked_assignment(work, assignment_id)
        if locked is None or locked[0].status is not AssignmentStatus.SUBMITTED or locked[1].is_deleted:
            return 0
        assignment, task = locked
        if assignment.auto_approve_at is None or assignment.auto_approve_at > now:
            return 0
        try:
            await ensure_may_earn(work, assignment.user_id, task)
        except ReviewerCannotEarn:
            # Left for a person to review; its auto-approve time is cleared, so the job does not come back to it.
            log.warning("auto-approve withheld for assignment %s: its holder reviews the task", assignment.id)
            task.withhold_auto_approval(assignment, now)
            await work.assignments.update(assignment)
            await work.commit()
            return 0
        task.approve(assignment, None, AUTO_APPROVAL_FEEDBACK, now)
        await work.tasks.update(task)
        await work.assignments.update(assignment)
        await pay_approval(work, assignment, task, now)
        await work.commit()
    return 1


async def mark_overdue(today: date, uow: UnitOfWorkFactory, clock: Clock) -> int:
    """Tells each person once about what became overdue (every read derives `is_overdue` itself), in a few
    set-based statements."""
    now = clock.now()
    async with uow() as work:
        notices = await work.scheduled.overdue_notices(today, now)
        work.record(
            *(
                ItemOverdue(
                    at=now,
                    user_id=n.user_id,
                    email=n.email,
                    full_name=n.full_name,
                    item_kind=n.item_kind,
                    item_name=n.item_name,
                    item_slug=n.item_slug,
                    due_date=n.due_date,
                )
                for n in notices
            )
        )
        await work.commit()
    return len(notices)


def _digests(lines: list[DigestLine], today: date, now: datetime) -> list[DigestDue]:
    by_user: dict[UUID, list[DigestLine]] = defaultdict(list)
    for line in lines:
        by_user[line.user_id].append(line)
    return [
        DigestDue(
            at=now,
            user_id=user_id,
            email=mine[0].email,
            full_name=mine[0].full_name,
            day=today,
            items=tuple(DigestItem(line.task_name, line.task_slug, line.due_date, line.is_overdue) for line in mine),
        )
        for user_id, mine in by_user.items()
    ]


async def daily_digest(today: date, uow: UnitOfWorkFactory, clock: Clock, time_zone: str | None = None) -> int:
    """One email per person (of one time zone, or all) with the tasks due today and those overdue; nobody with
    nothing gets one."""
    async with uow() as work:
        work.record(*_digests(await work.scheduled.digest_lines(today, time_zone), today, clock.now()))
        await work.commit()
        # A digest already sent for this day is dropped by its dedupe key, so only new rows count.
        return len(work.outbox.written())


async def digest_at_midnight(at: datetime, uow: UnitOfWorkFactory, clock: Clock) -> int:
    """The digest for every time zone whose local midnight falls in the quarter hour starting at `at`, one
    set-based query per zone; each person gets it once per local date (the dedupe key)."""
    async with uow() as work:
        zones = await work.scheduled.time_zones()
    sent = 0
    for zone in zones_at_midnight(zones, at):
        sent += await daily_digest(at.astimezone(ZoneInfo(zone)).date(), uow, clock, zone)
    return sent


async def purge(uow: UnitOfWorkFactory, clock: Clock) -> dict[str, int]:
    async with uow() as work:
        counts = await work.scheduled.purge(clock.now())
        await work.commit()
    return counts
