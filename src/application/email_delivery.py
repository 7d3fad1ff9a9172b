"""Delivering one outbox email: at most once per message, retried with backoff, recorded either way."""

from __future__ import annotations

from uuid import UUID

from application.ports.clock import Clock
from application.ports.messaging import DeliveryFailed, Mailer
from application.ports.repositories import UnitOfWorkFactory
from domain.outbox import EmailDelivery


class RetryLater(Exception):
    """Raised so the job runner retries with backoff."""


async def send_email(outbox_id: UUID, uow: UnitOfWorkFactory, clock: Clock, mailer: Mailer) -> str:
    """Sends one outbox email once; a failure is retried until MAX_EMAIL_ATTEMPTS, then recorded as failed."""
    async with uow() as work:
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
            await mailer.send(email)
            delivery.sent(clock.now())
        except DeliveryFailed as exc:
            delivery.attempt_failed(str(exc), clock.now())
        await work.deliveries.save(delivery)
        if delivery.is_final:
            # Codes and invitation links must not outlive their delivery in the database.
            await work.outbox.redact(outbox_id)
        await work.commit()
    if not delivery.is_final:
        raise RetryLater(f"email {outbox_id} not delivered yet: {delivery.last_error}")
    return delivery.status.value
