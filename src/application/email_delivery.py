"""Delivering one outbox email: at most once per message, retried with backoff for hours, recorded either way."""

from __future__ import annotations

import random
from collections.abc import Callable
from uuid import UUID

from application.ports.clock import Clock
from application.ports.messaging import DeliveryFailed, Mailer, Undeliverable
from application.ports.repositories import UnitOfWorkFactory
from domain.outbox import EmailDelivery, RetryPolicy


async def send_email(
    outbox_id: UUID,
    uow: UnitOfWorkFactory,
    clock: Clock,
    mailer: Mailer,
    policy: RetryPolicy,
    jitter: Callable[[], float] = random.random,
) -> str:
    """Sends one outbox email once. A failure hands the message back to the sweep for a later try, until
    the policy's window is spent; a failure no retry can mend is final at once. Either way it is recorded."""
    async with uow() as work:
        message = await work.outbox.get(outbox_id)
        if message is None:
            return "missing"
        email = message.as_email()
        # Claiming the row (inserted if missing, then locked) makes a duplicate delivery of this job wait,
        # then see the outcome; locking a row that does not exist yet would let both send.
        fresh = EmailDelivery(outbox_id, email.to, email.template, give_up_at=message.created_at + policy.window)
        delivery = await work.deliveries.claim(fresh)
        delivery.give_up_at = delivery.give_up_at or fresh.give_up_at
        if delivery.is_final:
            if message.done_at is None:
                await work.outbox.finish(outbox_id, clock.now(), delivery.last_error)
                await work.commit()
            return f"already {delivery.status.value}"
        retry_at = None
        try:
            await mailer.send(email, message_key=str(outbox_id))
            delivery.sent(clock.now())
        except Undeliverable as exc:
            delivery.undeliverable(str(exc), clock.now())
        except DeliveryFailed as exc:
            retry_at = delivery.attempt_failed(str(exc), clock.now(), policy, jitter())
        await work.deliveries.save(delivery)
        if retry_at is not None:
            await work.outbox.retry_at(outbox_id, retry_at, delivery.last_error)
        else:
            await work.outbox.finish(outbox_id, clock.now(), delivery.last_error)
        if delivery.status.value == "sent":
            # Codes and invitation links must not outlive their delivery in the database. A failed email keeps
            # them, so that an admin can send it again; the purge job removes it a week later.
            await work.outbox.redact(outbox_id)
        await work.commit()
    return delivery.status.value if retry_at is None else f"retry at {retry_at.isoformat()}"
