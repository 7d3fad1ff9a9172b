"""Keeping a task's escrow at exactly what its approvals could still draw, after every change to the task."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from application.ports.repositories import UnitOfWork
from domain.assignments import Assignment
from domain.ledger import (
    TREASURY,
    Account,
    TransferKind,
    escrow_needed,
    escrow_of,
    source_of,
    treasury,
    wallet_of,
)
from domain.tasks import Task


async def settle_escrow(
    uow: UnitOfWork, task: Task, now: datetime, actor_id: UUID | None = None, escrow: Account | None = None
) -> None:
    """Reserves the difference from the task's source (its project's budget, or the treasury for the public
    board), or returns it there. Reserving more than the budget holds raises `BudgetExceeded`.

    Locks in the one order: the task (the caller holds it), its escrow, then the budget; the treasury last.
    """
    escrow = escrow or await uow.ledger.account(escrow_of(task.id), for_update=True)
    gap = escrow_needed(task) - escrow.balance
    if gap == 0:
        return
    key = source_of(task.project_id)
    reference = f"task:{task.slug}"
    if gap > 0:
        source = treasury() if key == TREASURY else await uow.ledger.account(key, for_update=True)
        reason = f"Reserved for “{task.name}”"
        transfer = source.pay(
            escrow.key, gap, TransferKind.RESERVE, now, reason=reason, reference=reference, actor_id=actor_id
        )
        escrow.receive(transfer)
    else:
        reason = f"Returned from “{task.name}”"
        transfer = escrow.pay(
            key, -gap, TransferKind.RETURN, now, reason=reason, reference=reference, actor_id=actor_id
        )
    await uow.ledger.post(transfer)


async def pay_approval(uow: UnitOfWork, assignment: Assignment, task: Task, now: datetime) -> None:
    """Draws the task's points from its escrow into the member's wallet, once (the schema refuses a second
    reward of one assignment), and keeps the review in the assignment's history."""
    if task.points > 0:
        escrow = await uow.ledger.account(escrow_of(task.id), for_update=True)
        reward = escrow.pay(
            wallet_of(assignment.user_id),
            task.points,
            TransferKind.REWARD,
            now,
            reason=f"Approved: {task.name}",
            reference=f"assignment:{assignment.id}",
            actor_id=assignment.reviewer_id,
            assignment_id=assignment.id,
        )
        await uow.ledger.post(reward)
        await settle_escrow(uow, task, now, escrow=escrow)
    await uow.reviews.add(assignment.last_review(task.points))
