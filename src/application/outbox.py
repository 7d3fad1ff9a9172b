"""Relaying the outbox to the job queue: right after commit, and again by the sweep for what was left."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import UUID

from application.ports.clock import Clock
from application.ports.messaging import JobQueue, QueueUnavailable
from application.ports.repositories import UnitOfWorkFactory
from domain.outbox import OutboxMessage

log = logging.getLogger(__name__)
SWEEP_GRACE = timedelta(seconds=30)
SWEEP_BATCH = 500


async def relay(messages: list[OutboxMessage], uow: UnitOfWorkFactory, queue: JobQueue, clock: Clock) -> int:
    """Enqueues each message, then marks those the queue took as sent; the rest wait for the sweep."""
    sent: list[UUID] = []
    try:
        for message in messages:
            await queue.enqueue(message.job, outbox_id=str(message.id))
            sent.append(message.id)
    except QueueUnavailable:
        log.warning("job queue unavailable: %d outbox message(s) left for the sweep", len(messages) - len(sent))
    if sent:
        async with uow() as work:
            await work.outbox.mark_sent(sent, clock.now())
            await work.commit()
    return len(sent)


async def sweep_outbox(uow: UnitOfWorkFactory, queue: JobQueue, clock: Clock) -> int:
    """Re-sends messages still unsent after a grace period (for example while Redis was down)."""
    async with uow() as work:
        messages = await work.outbox.unsent(clock.now() - SWEEP_GRACE, SWEEP_BATCH)
    return await relay(messages, uow, queue, clock)
