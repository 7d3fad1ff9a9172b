"""Crediting work: the reward entry written with the balance, once per assignment."""

from __future__ import annotations

from datetime import datetime

from application.ports.repositories import UnitOfWork
from domain.assignments import Assignment
from domain.notifications import Notification, NotificationKind
from domain.outbox import OutboxMessage, OutgoingEmail
from domain.tasks import Task


async def credit_approval(uow: UnitOfWork, assignment: Assignment, task: Task, now: datetime) -> None:
    """Pays the task's points (a zero-point task pays nothing) and tells the member."""
    if task.points > 0:
        wallet = await uow.wallets.get(assignment.user_id, for_update=True)
        entry = wallet.reward(task.points, assignment.id, task.name, now)
        await uow.ledger.add(entry)
        await uow.wallets.update(wallet)
    text = f"Your work on “{task.name}” was approved"
    text += f": {task.points} points credited." if task.points > 0 else "."
    await uow.notifications.add(
        Notification(assignment.user_id, NotificationKind.CLAIM_APPROVED, text, f"/tasks/{task.slug}/", now)
    )
    member = await uow.users.get(assignment.user_id)
    if member is not None:
        context = {
            "full_name": member.full_name,
            "task_name": task.name,
            "points": task.points,
            "feedback": assignment.feedback,
            "link": f"/tasks/{task.slug}/",
        }
        await uow.outbox.add(OutboxMessage.email(OutgoingEmail(member.email, "approved", context), now))
