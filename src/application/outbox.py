"""Relaying the outbox to the job queue: right after commit, and again by the sweep for what is not done.

A message is done only when its job has finished; one handed over but unfinished when its lease runs out
(the queue lost it, its worker died) is handed over again. The jobs are idempotent, so that is safe.

Right after commit the relay costs no transaction: the unit of work wrote its messages already handed over
(`dispatched_at` set, the lease running from their creation), so only those the queue refuses need a second
one, to release them to the sweep. A process that dies between the commit and the enqueue leaves its messages
leased: the sweep hands them over once the lease runs out. The sweep and an admin's retry hand over messages
that are not leased, and lease those the queue took.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from application.ports.clock import Clock
from application.ports.messaging import JobQueue, QueueUnavailable
from application.ports.repositories import UnitOfWorkFactory
from domain.outbox import OutboxMessage

log = logging.getLogger(__name__)
SWEEP_BATCH = 500
DEFAULT_LEASE = timedelta(minutes=10)


async def _hand_over(messages: list[OutboxMessage], queue: JobQueue) -> tuple[list[UUID], list[UUID]]:
    """Enqueues each message until the queue refuses one: (the ids it took, the ids left)."""
    taken: list[UUID] = []
    for message in messages:
        try:
            await queue.enqueue(message.job, outbox_id=str(message.id))
        except QueueUnavailable:
            left = [m.id for m in messages[len(taken) :]]
            log.warning("job queue unavailable: %d outbox message(s) left for the sweep", len(left))
            return taken, left
        taken.append(message.id)
    return taken, []


async def relay(messages: list[OutboxMessage], uow: UnitOfWorkFactory, queue: JobQueue, clock: Clock) -> int:
    """After commit: enqueues messages written already leased; those the queue refused are released, due for
    the sweep at their `due_at` (a short grace after their creation), in a transaction only then."""
    taken, refused = await _hand_over(messages, queue)
    if refused:
        async with uow() as work:
            await work.outbox.release(refused)
            await work.commit()
    return len(taken)


async def dispatch(messages: list[OutboxMessage], uow: UnitOfWorkFactory, queue: JobQueue, clock: Clock) -> int:
    """Enqueues messages not leased, then leases those the queue took; the rest wait for the sweep."""
    taken, _ = await _hand_over(messages, queue)
    if taken:
        async with uow() as work:
            await work.outbox.mark_dispatched(taken, clock.now())
            await work.commit()
    return len(taken)


async def sweep_outbox(uow: UnitOfWorkFactory, queue: JobQueue, clock: Clock, lease: timedelta = DEFAULT_LEASE) -> int:
    """Hands over again what is due (never handed over, or waiting to be retried) and what outlived its lease."""
    now = clock.now()
    async with uow() as work:
        messages = await work.outbox.due(now, now - lease, SWEEP_BATCH)
    return await dispatch(messages, uow, queue, clock)
