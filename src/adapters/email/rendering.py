"""Renders an outgoing email from its templates: `<name>.txt` (which sets the subject) and `<name>.html`."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from domain.outbox import OutgoingEmail


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


class EmailRenderer:
    def __init__(self, *, base_url: str, product_name: str = "TaskReward") -> None:
        self._env = Environment(
            loader=PackageLoader("adapters.email", "templates"),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._globals = {"base_url": base_url.rstrip("/"), "product_name": product_name}

    def render(self, email: OutgoingEmail) -> RenderedEmail:
        context: dict[str, Any] = {**self._globals, **email.context}
        text_module = self._env.get_template(f"{email.template}.txt").make_module(context)
        html = self._env.get_template(f"{email.template}.html").render(context)
        return RenderedEmail(
            subject=str(text_module.__dict__["subject"]), text=str(text_module).strip() + "\n", html=html
        )

    def to_message(self, email: OutgoingEmail, sender: str, message_key: str | None = None) -> EmailMessage:
        """Headers go through the email package's header registry, which refuses a line break in any of them.
        The same `message_key` gives the same Message-ID, so a copy sent again is known for the same email."""
        rendered = self.render(email)
        message = EmailMessage()
        sender_name, sender_address = parseaddr(sender)
        domain = sender_address.rpartition("@")[2] or "localhost"
        message["Subject"] = rendered.subject
        message["From"] = Address(display_name=sender_name, addr_spec=sender_address)
        message["To"] = Address(addr_spec=email.to)
        message["Message-ID"] = f"<{message_key}@{domain}>" if message_key else make_msgid(domain=domain)
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        return message
