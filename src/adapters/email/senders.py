"""Mailers: SMTP for real delivery, console-and-outbox for the embedded default."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from pathlib import Path

import aiosmtplib

from adapters.email.rendering import EmailRenderer
from application.ports.messaging import DeliveryFailed
from domain.ids import new_id
from domain.outbox import OutgoingEmail

log = logging.getLogger(__name__)


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

    async def send(self, email: OutgoingEmail) -> None:
        message = self._renderer.to_message(email, self._sender)
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
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
        log.info("email sent", extra={"template": email.template})


class OutboxMailer:
    """Prints each email and saves it as an .eml file, so a developer can read what would be sent."""

    def __init__(self, renderer: EmailRenderer, *, directory: Path, sender: str, echo: bool = True) -> None:
        self._renderer = renderer
        self._directory = directory
        self._sender = sender
        self._echo = echo

    async def send(self, email: OutgoingEmail) -> None:
        message = self._renderer.to_message(email, self._sender)
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
