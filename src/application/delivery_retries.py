"""Sending failed emails again: one by an admin (audited), or every failed one by an operator's job."""

from __future__ import annotations

from uuid import UUID

from application.access import ensure_admin
from application.outbox import dispatch
from application.ports.clock import Clock
from application.ports.messaging import JobQueue
from application.ports.repositories import UnitOfWork, UnitOfWorkFactory
from domain.account_events import DeliveryRetried
from domain.errors import NotFound
from domain.outbox import DeliveryNotFailed, EmailDelivery, OutboxMessage, RetryPolicy
from domain.users import User

RETRY_BATCH = 1000


class DeliveryNotFound(NotFound):
    code = "delivery_not_found"
    message = "There is no such email delivery, or its message was purged."


async def _restart(
    work: UnitOfWork, outbox_id: UUID, by: UUID | None, clock: Clock, policy: RetryPolicy
) -> tuple[EmailDelivery, OutboxMessage]:
    delivery = await work.deliveries.get(outbox_id, for_update=True)
    message = await work.outbox.get(outbox_id)
    if delivery is None or message is None:
        raise DeliveryNotFound()
    delivery.retry(clock.now(), policy)
    await work.deliveries.save(delivery)
    await work.outbox.reopen([outbox_id], clock.now())
    work.record(DeliveryRetried(at=clock.now(), outbox_id=outbox_id, by=by))
    return delivery, message


async def retry_delivery(
    outbox_id: UUID, admin: User, uow: UnitOfWorkFactory, queue: JobQueue, clock: Clock, policy: RetryPolicy
) -> EmailDelivery:
    """A failed email is tried again now, with a fresh day of retries; 409 unless it had failed."""
    ensure_admin(admin)
    async with uow() as work:
        delivery, message = await _restart(work, outbox_id, admin.id, clock, policy)
        await work.commit()
    await dispatch([message], uow, queue, clock)
    return delivery


async def retry_failed_emails(uow: UnitOfWorkFactory, queue: JobQueue, clock: Clock, policy: RetryPolicy) -> int:
    """Every failed email tried again (whose message is still kept); returns how many."""
    async with uow() as work:
        failed = await work.deliveries.failed(RETRY_BATCH)
    messages = []
    for delivery in failed:
        async with uow() as work:
            try:
                messages.append((await _restart(work, delivery.outbox_id, None, clock, policy))[1])
            except (DeliveryNotFound, DeliveryNotFailed):
                continue  # purged, or retried meanwhile
            await work.commit()
    await dispatch(messages, uow, queue, clock)
    return len(messages)
