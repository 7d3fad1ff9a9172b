"""The SMTP adapter against a real server: both parts arrive, and failures become DeliveryFailed."""

from __future__ import annotations

import pytest

from adapters.email.rendering import EmailRenderer
from adapters.email.senders import SmtpMailer
from application.ports.messaging import DeliveryFailed
from domain.outbox import OutgoingEmail
from tests.integration.conftest import SmtpInbox, free_port


async def test_an_email_arrives_with_text_and_html_parts(smtp: SmtpInbox) -> None:
    mailer = SmtpMailer(
        EmailRenderer(base_url="https://tasks.test"),
        host=smtp.host,
        port=smtp.port,
        sender="TaskReward <no-reply@tasks.test>",
    )
    context = {"full_name": "Ada", "task_name": "Write <docs>", "points": 7, "feedback": "", "link": "/tasks/x/"}
    await mailer.send(OutgoingEmail("ada@example.com", "approved", context))

    message = await smtp.wait_for("ada@example.com")
    assert message["Subject"] == "Approved: Write <docs>"
    kinds = [part.get_content_type() for part in message.walk()]
    assert "text/plain" in kinds
    assert "text/html" in kinds
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_payload(decode=True)
    assert b"Write &lt;docs&gt;" in html
    assert b"https://tasks.test/tasks/x/" in html


async def test_an_unreachable_server_is_a_delivery_failure() -> None:
    mailer = SmtpMailer(
        EmailRenderer(base_url="https://tasks.test"),
        host="127.0.0.1",
        port=free_port(),
        sender="no-reply@tasks.test",
        timeout=2,
    )
    with pytest.raises(DeliveryFailed):
        await mailer.send(OutgoingEmail("ada@example.com", "account_exists"))
