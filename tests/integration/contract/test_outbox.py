"""The outbox and delivery contracts: dedupe keys, what the relay is handed, unsent rows, redaction, claims."""

from __future__ import annotations

from dataclasses import replace

from domain.ids import new_id
from domain.outbox import DeliveryStatus, EmailDelivery, OutboxMessage, OutgoingEmail
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


async def test_unsent_messages_oldest_first_until_marked_sent(backend: Backend) -> None:
    messages = [an_email(f"{n}@x.io", n) for n in (2, 0, 1, 5)]
    async with backend.uow() as uow:
        await uow.outbox.add_many(messages)
        await uow.commit()
    async with backend.uow() as uow:
        waiting = await uow.outbox.unsent(T0 + 2 * MINUTE, 10)
        assert [m.id for m in waiting] == [messages[1].id, messages[2].id, messages[0].id]
        assert [m.id for m in await uow.outbox.unsent(T0 + 9 * MINUTE, 2)] == [messages[1].id, messages[2].id]
        await uow.outbox.mark_sent([messages[1].id, messages[3].id], T0 + 6 * MINUTE)
        await uow.outbox.mark_sent([messages[1].id], T0 + 7 * MINUTE)  # the first time stands
        await uow.commit()
    async with backend.uow() as uow:
        assert [m.id for m in await uow.outbox.unsent(T0 + 9 * MINUTE, 10)] == [messages[2].id, messages[0].id]
        assert await uow.outbox.get(messages[1].id) == replace(messages[1], sent_at=T0 + 6 * MINUTE)


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
        claimed = await uow.deliveries.claim(EmailDelivery(message.id, "a@x.io", "otp"))
        assert claimed == EmailDelivery(message.id, "a@x.io", "otp")
        claimed.attempt_failed("421 try later", T0)
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
