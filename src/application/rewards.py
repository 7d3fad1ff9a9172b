"""Crediting work: the reward entry written with the balance, once per assignment."""

from __future__ import annotations

from datetime import datetime

from application.ports.repositories import UnitOfWork
from domain.assignments import Assignment
from domain.tasks import Task


async def credit_approval(uow: UnitOfWork, assignment: Assignment, task: Task, now: datetime) -> None:
    """Pays the task's points into the member's wallet; a zero-point task pays nothing."""
    if task.points > 0:
        wallet = await uow.wallets.get(assignment.user_id, for_update=True)
        entry = wallet.reward(task.points, assignment.id, task.name, now)
        await uow.ledger.add(entry)
        await uow.wallets.update(wallet)
