"""Secrets travel through the outbox only until their email is delivered."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import AsyncTestClient
from sqlalchemy import select

from adapters.db.tables import outbox
from entrypoints.bootstrap import Container
from tests.integration.conftest import SmtpInbox, text_part


async def test_a_sent_code_is_not_kept_in_the_outbox(
    client: AsyncTestClient[Any], container: Container, smtp: SmtpInbox
) -> None:
    assert (await client.post("/api/auth/send-otp/", json={"email": "kim@example.com"})).status_code == 202
    message = await smtp.wait_for("kim@example.com")
    code = next(word for word in text_part(message).split() if word.rstrip(".").isdigit()).rstrip(".")

    async with asyncio.timeout(10):
        while True:
            async with container.engine.connect() as conn:
                payloads = (await conn.execute(select(outbox.c.payload))).scalars().all()
            if payloads and all("context" not in p for p in payloads):
                break
            await asyncio.sleep(0.05)
    assert payloads == [{"to": "kim@example.com", "template": "otp"}]
    assert code not in repr(payloads)
