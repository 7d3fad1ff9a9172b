"""Failed emails: admins list them and send one again (API and the panel's Retry button), audited; an
operator sends every failed one again with `run-job retry-failed-email`."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any
from uuid import UUID

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from adapters.db.outbox import SqlDeliveryRepository, SqlOutboxRepository
from adapters.db.tables import audit_log, email_deliveries
from domain.outbox import DeliveryStatus, EmailDelivery, OutboxMessage, OutgoingEmail
from entrypoints.bootstrap import Container
from tests.integration.conftest import SmtpInbox, text_part
from tests.integration.web import signed_in

Client = AsyncTestClient[Any]


async def failed_email(container: Container, to: str) -> UUID:
    """An approval email given up on a day ago, its content kept so that it can be sent again."""
    now = container.clock.now()
    message = OutboxMessage.email(OutgoingEmail(to, "otp", {"code": "246810", "minutes": 10}), now)
    delivery = EmailDelivery(message.id, to, "otp", DeliveryStatus.PENDING, give_up_at=now)
    delivery.undeliverable("550 mailbox unavailable", now)
    # Written beside the unit of work, whose relay after commit would start the job in this test's loop.
    async with container.engine.begin() as conn:
        await SqlOutboxRepository(conn).add(replace(message, done_at=now, last_error=delivery.last_error))
        await SqlDeliveryRepository(conn).save(delivery)
    return message.id


async def status_of(container: Container, outbox_id: UUID) -> tuple[str, int]:
    async with container.engine.connect() as conn:
        row = (await conn.execute(select(email_deliveries).where(email_deliveries.c.outbox_id == outbox_id))).one()
    return row.status, row.attempts


async def sent(container: Container, outbox_id: UUID) -> tuple[str, int]:
    """The delivery once its job has recorded it (the job runs beside the request, in the app's loop)."""
    async with asyncio.timeout(10):
        while (found := await status_of(container, outbox_id))[0] == "pending":
            await asyncio.sleep(0.02)
    return found


async def test_an_admin_lists_failed_emails_and_sends_one_again(
    client: Client, accounts: Any, container: Container, smtp: SmtpInbox
) -> None:
    admin, member = await accounts("admin"), await accounts("member")
    outbox_id = await failed_email(container, "lost@example.com")

    listed = await client.get("/api/admin/deliveries/?status=failed", headers=admin.headers)
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert (item["outbox_id"], item["status"], item["last_error"]) == (
        str(outbox_id),
        "failed",
        "550 mailbox unavailable",
    )
    assert (await client.get("/api/admin/deliveries/?status=pending", headers=admin.headers)).json()["items"] == []
    assert (await client.get("/api/admin/deliveries/?status=bogus", headers=admin.headers)).status_code == 400
    for path in ("/api/admin/deliveries/", f"/api/admin/deliveries/{outbox_id}/retry/"):
        method = client.post if path.endswith("retry/") else client.get
        assert (await method(path, headers=member.headers)).status_code == 403

    retried = await client.post(f"/api/admin/deliveries/{outbox_id}/retry/", headers=admin.headers)
    assert retried.status_code == 202, retried.text
    assert retried.json()["status"] == "pending"
    email = await smtp.wait_for("lost@example.com")
    assert "246810" in text_part(email)
    assert email["Message-ID"].startswith(f"<{outbox_id}@")
    assert await sent(container, outbox_id) == ("sent", 1)
    again = await client.post(f"/api/admin/deliveries/{outbox_id}/retry/", headers=admin.headers)
    assert (again.status_code, again.json()["code"]) == (409, "delivery_not_failed")
    missing = await client.post(f"/api/admin/deliveries/{member.user.id}/retry/", headers=admin.headers)
    assert (missing.status_code, missing.json()["code"]) == (404, "delivery_not_found")
    async with container.engine.connect() as conn:
        audit = (await conn.execute(select(audit_log).where(audit_log.c.action == "delivery.retried"))).all()
    assert [(a.actor_id, a.subject) for a in audit] == [(admin.user.id, str(outbox_id))]


async def test_the_retry_button_needs_its_csrf_token_and_sends_the_email(
    client: Client, accounts: Any, container: Container, smtp: SmtpInbox
) -> None:
    admin = await accounts("admin")
    outbox_id = await failed_email(container, "again@example.com")
    person = await signed_in(client, admin.user.email)
    page = await person.get("/admin/deliveries/?status=failed")
    assert f'action="/admin/deliveries/{outbox_id}/retry/"' in page.text
    assert ">Retry</button>" in page.text

    forged = await person.post(f"/admin/deliveries/{outbox_id}/retry/", csrf=False)
    assert forged.status_code == 403
    assert await status_of(container, outbox_id) == ("failed", 1)
    answer = await person.post(f"/admin/deliveries/{outbox_id}/retry/")
    assert answer.status_code == 303
    assert "again@example.com is being sent again" in (await person.follow(answer)).text
    await smtp.wait_for("again@example.com")


async def test_run_job_retry_failed_email_sends_every_failed_one(container: Container, smtp: SmtpInbox) -> None:
    ids = [await failed_email(container, f"n{n}@example.com") for n in range(2)]
    assert await container.handlers["retry_failed_email"]() == 2  # the jobs run in this loop: no app here
    for n in range(2):
        await smtp.wait_for(f"n{n}@example.com")
    await container.queue.drain()  # type: ignore[attr-defined]
    assert [await sent(container, i) for i in ids] == [("sent", 1), ("sent", 1)]
    assert await container.handlers["retry_failed_email"]() == 0
