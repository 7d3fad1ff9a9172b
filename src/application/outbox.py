"""Relaying the outbox to the job queue: right after commit, and again by the sweep for what is not done.

A message is done only when its job has finished; one handed over but unfinished when its lease runs out
(the queue lost it, its worker died) is handed over again. The jobs are idempotent, so that is safe.
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


async def relay(messages: list[OutboxMessage], uow: UnitOfWorkFactory, queue: JobQueue, clock: Clock) -> int:
    """Enqueues each message, then marks those the queue took as dispatched; the rest wait for the sweep."""
    dispatched: list[UUID] = []
    try:
        for message in messages:
            await queue.enqueue(message.job, outbox_id=str(message.id))
            dispatched.append(message.id)
    except QueueUnavailable:
        log.warning("job queue unavailable: %d outbox message(s) left for the sweep", len(messages) - len(dispatched))
    if dispatched:
        async with uow() as work:
            await work.outbox.mark_dispatched(dispatched, clock.now())
            await work.commit()
    return len(dispatched)


async def sweep_outbox(uow: UnitOfWorkFactory, queue: JobQueue, clock: Clock, lease: timedelta = DEFAULT_LEASE) -> int:
    """Hands over again what is due (never handed over, or waiting to be retried) and what outlived its lease."""
    now = clock.now()
    async with uow() as work:
        messages = await work.outbox.due(now, now - lease, SWEEP_BATCH)
    return await relay(messages, uow, queue, clock)
