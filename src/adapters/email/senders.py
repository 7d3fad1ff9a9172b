"""Mailers: SMTP for real delivery, console-and-outbox for the embedded default."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path

import aiosmtplib
from jinja2 import TemplateError

from adapters.email.rendering import EmailRenderer
from application.ports.messaging import DeliveryFailed, Undeliverable
from domain.ids import new_id
from domain.outbox import OutgoingEmail

log = logging.getLogger(__name__)


def build_message(renderer: EmailRenderer, email: OutgoingEmail, sender: str, message_key: str | None) -> EmailMessage:
    """The message, or `Undeliverable` naming why it cannot be built (no retry would change that)."""
    try:
        return renderer.to_message(email, sender, message_key)
    except (ValueError, TypeError, LookupError, TemplateError) as exc:
        raise Undeliverable(f"the message cannot be built: {type(exc).__name__}: {exc}") from exc


def _permanent(exc: aiosmtplib.SMTPException) -> bool:
    """A 5xx answer (a refused address or message) will be given again: retrying cannot help."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        return bool(exc.recipients) and all(r.code >= 500 for r in exc.recipients)
    return isinstance(exc, aiosmtplib.SMTPResponseException) and exc.code >= 500


class SmtpMailer:
    def __init__(
        self,
        renderer: EmailRenderer,
        *,
        host: str,
        port: int,
        sender: str,
        username: str | None = None,
        password: str | None = None,
        use_tls: bool = False,
        timeout: float = 15.0,
    ) -> None:
        self._renderer = renderer
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username or None
        self._password = password or None
        self._use_tls = use_tls
        self._timeout = timeout

    async def send(self, email: OutgoingEmail, *, message_key: str | None = None) -> None:
        message = build_message(self._renderer, email, self._sender, message_key)
        try:
            await aiosmtplib.send(
                message,
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                start_tls=self._use_tls,
                timeout=self._timeout,
            )
        except aiosmtplib.SMTPException as exc:
            error = Undeliverable if _permanent(exc) else DeliveryFailed
            raise error(f"{type(exc).__name__}: {exc}") from exc
        except (OSError, TimeoutError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        log.info("email sent", extra={"template": email.template})


class OutboxMailer:
    """Prints each email and saves it as an .eml file, so a developer can read what would be sent."""

    def __init__(self, renderer: EmailRenderer, *, directory: Path, sender: str, echo: bool = True) -> None:
        self._renderer = renderer
        self._directory = directory
        self._sender = sender
        self._echo = echo

    async def send(self, email: OutgoingEmail, *, message_key: str | None = None) -> None:
        message = build_message(self._renderer, email, self._sender, message_key)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self._directory / f"{stamp}-{email.template}-{new_id().hex[-8:]}.eml"
        await asyncio.to_thread(self._write, path, message.as_bytes())
        if self._echo:
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""
            print(f"--- email to {email.to}: {message['Subject']} ({path})\n{text}---", flush=True)

    def _write(self, path: Path, data: bytes) -> None:
        self._directory.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
