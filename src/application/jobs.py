"""The background jobs as use cases; every one is safe to run twice (delivery is at least once)."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from application.access import locked_assignment
from application.ports.clock import Clock
from application.ports.messaging import DeliveryFailed, Mailer
from application.ports.repositories import UnitOfWorkFactory
from application.rewards import credit_approval
from domain.assignments import AssignmentStatus
from domain.notifications import Notification, NotificationKind
from domain.outbox import EmailDelivery, OutboxMessage, OutgoingEmail

log = logging.getLogger(__name__)
BATCH = 500


class RetryLater(Exception):
    """Raised so the job runner retries with backoff."""


@dataclass(frozen=True)
class JobDeps:
    uow: UnitOfWorkFactory
    clock: Clock
    mailer: Mailer
    time_zone: str = "UTC"


async def send_email(outbox_id: UUID, deps: JobDeps) -> str:
    """Sends one outbox email once; a failure is retried until MAX_EMAIL_ATTEMPTS, then recorded as failed."""
    async with deps.uow() as work:
        message = await work.outbox.get(outbox_id)
        if message is None:
            return "missing"
        email = message.as_email()
        # Claiming the row (inserted if missing, then locked) makes a duplicate delivery of this job wait,
        # then see the outcome; locking a row that does not exist yet would let both send.
        delivery = await work.deliveries.claim(EmailDelivery(outbox_id, email.to, email.template))
        if delivery.is_final:
            return f"already {delivery.status.value}"
        try:
            await deps.mailer.send(email)
            delivery.sent(deps.clock.now())
        except DeliveryFailed as exc:
            delivery.attempt_failed(str(exc), deps.clock.now())
        await work.deliveries.save(delivery)
        if delivery.is_final:
            # Codes and invitation links must not outlive their delivery in the database.
            await work.outbox.redact(outbox_id)
        await work.commit()
    if not delivery.is_final:
        raise RetryLater(f"email {outbox_id} not delivered yet: {delivery.last_error}")
    return delivery.status.value


async def expire_claims(deps: JobDeps) -> int:
    """In-progress claims past their duration become expired and give their slot back."""
    async with deps.uow() as work:
        ids = await work.jobs.expired_claims(deps.clock.now(), BATCH)
    return sum([await expire_claim(assignment_id, deps) for assignment_id in ids])


async def expire_claim(assignment_id: UUID, deps: JobDeps) -> int:
    now = deps.clock.now()
    async with deps.uow() as work:
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


async def auto_approve(deps: JobDeps) -> int:
    """Submissions left unreviewed past their task's auto-approve delay are approved and credited."""
    async with deps.uow() as work:
        ids = await work.jobs.due_auto_approvals(deps.clock.now(), BATCH)
    return sum([await auto_approve_one(assignment_id, deps) for assignment_id in ids])


async def auto_approve_one(assignment_id: UUID, deps: JobDeps) -> int:
    now = deps.clock.now()
    async with deps.uow() as work:
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


async def mark_overdue(today: date, deps: JobDeps) -> int:
    """Flags overdue projects and tasks in a few set-based statements and notifies each person once."""
    now = deps.clock.now()
    async with deps.uow() as work:
        notices = await work.jobs.flag_overdue(today, now)
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


async def daily_digest(today: date, deps: JobDeps) -> int:
    """One email per person with the tasks due today and those overdue; nobody with nothing gets one."""
    now = deps.clock.now()
    async with deps.uow() as work:
        lines = await work.jobs.digest_lines(today)
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


async def purge(deps: JobDeps) -> dict[str, int]:
    async with deps.uow() as work:
        counts = await work.jobs.purge(deps.clock.now())
        await work.commit()
    return counts
