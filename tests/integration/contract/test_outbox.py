"""The outbox and delivery contracts: dedupe keys, what the relay is handed, unsent rows, redaction, claims."""

from __future__ import annotations

from dataclasses import replace

from domain.ids import new_id
from domain.outbox import RELAY_GRACE, DeliveryStatus, EmailDelivery, OutboxMessage, OutgoingEmail, RetryPolicy
from tests.integration.contract.conftest import MINUTE, T0, Backend


def an_email(to: str, minutes: int = 0, dedupe_key: str | None = None) -> OutboxMessage:
    context = {"code": "123456", "link": "https://x/?token=secret"}
    return OutboxMessage.email(OutgoingEmail(to, "otp", context), T0 + minutes * MINUTE, dedupe_key)


async def test_messages_are_written_once_per_dedupe_key_and_handed_to_the_relay(backend: Backend) -> None:
    first, again, other, plain = an_email("a@x.io", 0, "k"), an_email("b@x.io", 1, "k"), an_email("c@x.io", 2), None
    async with backend.uow() as uow:
        await uow.outbox.add(first)
        await uow.outbox.add_many([again, other])
        await uow.outbox.add_many([])
        assert uow.outbox.written() == [first, other]
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.outbox.get(first.id) == first
        assert (await uow.outbox.get(again.id), await uow.outbox.get(new_id()), plain) == (None, None, None)
        await uow.outbox.add(an_email("d@x.io", 3, "k"))  # the key stays used after its transaction
        assert uow.outbox.written() == []
        found = await uow.outbox.get(first.id)
        assert found is not None
        assert found.as_email() == OutgoingEmail("a@x.io", "otp", {"code": "123456", "link": "https://x/?token=secret"})


async def test_due_messages_until_done_and_again_when_their_lease_runs_out(backend: Backend) -> None:
    messages = [an_email(f"{n}@x.io", n) for n in (2, 0, 1, 5)]
    grace = RELAY_GRACE
    async with backend.uow() as uow:
        await uow.outbox.add_many(messages)
        await uow.commit()
    async with backend.uow() as uow:
        waiting = await uow.outbox.due(T0 + 2 * MINUTE + grace, T0, 10)
        assert [m.id for m in waiting] == [messages[1].id, messages[2].id, messages[0].id]
        assert [m.id for m in await uow.outbox.due(T0 + 9 * MINUTE, T0, 2)] == [messages[1].id, messages[2].id]
        await uow.outbox.mark_dispatched([messages[1].id, messages[3].id], T0 + 6 * MINUTE)
        await uow.outbox.finish(messages[0].id, T0 + 6 * MINUTE, "refused")
        await uow.outbox.retry_at(messages[2].id, T0 + 20 * MINUTE, "timed out")
        await uow.commit()
    async with backend.uow() as uow:
        # Dispatched ones wait out their lease; the retried one waits until it is due; a done one never comes back.
        assert await uow.outbox.due(T0 + 9 * MINUTE, T0 + 5 * MINUTE, 10) == []
        lease_out = await uow.outbox.due(T0 + 9 * MINUTE, T0 + 6 * MINUTE, 10)
        assert [m.id for m in lease_out] == [messages[1].id, messages[3].id]
        assert [m.id for m in await uow.outbox.due(T0 + 20 * MINUTE, T0, 10)] == [messages[2].id]
        assert await uow.outbox.get(messages[1].id) == replace(messages[1], dispatched_at=T0 + 6 * MINUTE)
        assert await uow.outbox.get(messages[2].id) == replace(
            messages[2], due_at=T0 + 20 * MINUTE, last_error="timed out"
        )
        done = replace(messages[0], done_at=T0 + 6 * MINUTE, last_error="refused")
        assert await uow.outbox.get(messages[0].id) == done
        await uow.outbox.mark_dispatched([messages[0].id], T0 + 7 * MINUTE)  # a late relay cannot undo "done"
        await uow.outbox.reopen([messages[1].id], T0 + 8 * MINUTE)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.outbox.get(messages[0].id) == done
        assert [m.id for m in await uow.outbox.due(T0 + 8 * MINUTE, T0, 10)] == [messages[1].id]


async def test_redaction_keeps_who_and_what_but_drops_the_secrets(backend: Backend) -> None:
    message = an_email("a@x.io")
    async with backend.uow() as uow:
        await uow.outbox.add(message)
        await uow.commit()
    async with backend.uow() as uow:
        await uow.outbox.redact(message.id)
        await uow.outbox.redact(new_id())  # nothing to redact: nothing happens
        await uow.commit()
    async with backend.uow() as uow:
        redacted = await uow.outbox.get(message.id)
        assert redacted is not None
        assert redacted.as_email() == OutgoingEmail("a@x.io", "otp", {})
        assert dict(redacted.payload) == {"to": "a@x.io", "template": "otp"}


async def test_a_delivery_is_claimed_once_and_saved(backend: Backend) -> None:
    message = an_email("a@x.io")
    async with backend.uow() as uow:
        await uow.outbox.add(message)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.deliveries.get(message.id) is None
        claimed = await uow.deliveries.claim(EmailDelivery(message.id, "a@x.io", "otp", give_up_at=T0 + 60 * MINUTE))
        assert claimed == EmailDelivery(message.id, "a@x.io", "otp", give_up_at=T0 + 60 * MINUTE)
        assert claimed.attempt_failed("421 try later", T0, RetryPolicy(), 0.0) == T0 + MINUTE / 2
        await uow.deliveries.save(claimed)
        await uow.commit()
    async with backend.uow() as uow:
        again = await uow.deliveries.claim(EmailDelivery(message.id, "ignored@x.io", "ignored"))
        assert again == replace(claimed, status=DeliveryStatus.PENDING)
        assert (again.attempts, again.last_error, again.updated_at) == (1, "421 try later", T0)
        assert type(again.status) is DeliveryStatus
        again.sent(T0 + MINUTE)
        await uow.deliveries.save(again)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.deliveries.get(message.id, for_update=True) == again
        assert await uow.deliveries.failed(10) == []


async def test_failed_deliveries_are_listed_oldest_first(backend: Backend) -> None:
    deliveries = [EmailDelivery(new_id(), f"{n}@x.io", "otp") for n in range(3)]
    async with backend.uow() as uow:
        for n, delivery in enumerate(deliveries):
            delivery.undeliverable("550 no such user", T0 + (3 - n) * MINUTE)
            await uow.deliveries.save(delivery)
        deliveries[1].retry(T0 + 9 * MINUTE, RetryPolicy())
        await uow.deliveries.save(deliveries[1])
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.deliveries.failed(10) == [deliveries[2], deliveries[0]]
        assert await uow.deliveries.failed(1) == [deliveries[2]]
