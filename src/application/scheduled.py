"""The scheduled background use cases; every one is safe to run twice (delivery is at least once)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from uuid import UUID

from application.access import locked_assignment
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWorkFactory
from application.rewards import credit_approval
from domain.assignments import AssignmentStatus
from domain.notifications import Notification, NotificationKind
from domain.outbox import OutboxMessage, OutgoingEmail

BATCH = 500


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
        assignment.expire(now)
        task.give_back_slot()
        await work.assignments.update(assignment)
        await work.tasks.update(task)
        text = f"Your claim on “{task.name}” ran out before it was submitted; the task is open again."
        await work.notifications.add(
            Notification(assignment.user_id, NotificationKind.CLAIM_EXPIRED, text, f"/tasks/{task.slug}/", now)
        )
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
        assignment.approve(None, "Approved automatically: nobody reviewed it in time.", now)
        await work.assignments.update(assignment)
        await credit_approval(work, assignment, task, now)
        await work.commit()
    return 1


async def mark_overdue(today: date, uow: UnitOfWorkFactory, clock: Clock) -> int:
    """Flags overdue projects and tasks in a few set-based statements and notifies each person once."""
    now = clock.now()
    async with uow() as work:
        notices = await work.scheduled.flag_overdue(today, now)
        await work.notifications.add_many(
            [
                Notification(
                    n.user_id,
                    NotificationKind.OVERDUE,
                    f"The {n.item_kind} “{n.item_name}” was due on {n.due_date.isoformat()} and is overdue.",
                    f"/{n.item_kind}s/{n.item_slug}/",
                    now,
                )
                for n in notices
            ]
        )
        await work.outbox.add_many(
            [
                OutboxMessage.email(
                    OutgoingEmail(
                        n.email,
                        "overdue",
                        {
                            "full_name": n.full_name,
                            "item_kind": n.item_kind,
                            "item_name": n.item_name,
                            "due_date": n.due_date.isoformat(),
                            "link": f"/{n.item_kind}s/{n.item_slug}/",
                        },
                    ),
                    now,
                    dedupe_key=f"overdue:{n.item_kind}:{n.item_slug}:{n.due_date.isoformat()}:{n.user_id}",
                )
                for n in notices
            ]
        )
        await work.commit()
    return len(notices)


async def daily_digest(today: date, uow: UnitOfWorkFactory, clock: Clock) -> int:
    """One email per person with the tasks due today and those overdue; nobody with nothing gets one."""
    now = clock.now()
    async with uow() as work:
        lines = await work.scheduled.digest_lines(today)
        by_user: dict[UUID, list[dict[str, object]]] = defaultdict(list)
        people: dict[UUID, tuple[str, str]] = {}
        for line in lines:
            people[line.user_id] = (line.email, line.full_name)
            by_user[line.user_id].append(
                {
                    "name": line.task_name,
                    "link": f"/tasks/{line.task_slug}/",
                    "due_date": line.due_date.isoformat(),
                    "overdue": line.is_overdue,
                }
            )
        messages = [
            OutboxMessage.email(
                OutgoingEmail(
                    people[user_id][0],
                    "daily_digest",
                    {"full_name": people[user_id][1], "date": today.isoformat(), "tasks": tasks},
                ),
                now,
                dedupe_key=f"digest:{user_id}:{today.isoformat()}",
            )
            for user_id, tasks in by_user.items()
        ]
        await work.outbox.add_many(messages)
        written = len(work.outbox.written())  # a digest already sent for this day is dropped by its dedupe key
        await work.commit()
    return written


async def purge(uow: UnitOfWorkFactory, clock: Clock) -> dict[str, int]:
    async with uow() as work:
        counts = await work.scheduled.purge(clock.now())
        await work.commit()
    return counts
