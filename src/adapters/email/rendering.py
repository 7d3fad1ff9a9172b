"""Renders an outgoing email from its templates: `<name>.txt` (which sets the subject) and `<name>.html`."""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
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

    def to_message(self, email: OutgoingEmail, sender: str) -> EmailMessage:
        rendered = self.render(email)
        message = EmailMessage()
        message["Subject"] = rendered.subject
        message["From"] = sender
        message["To"] = email.to
        message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
        message.set_content(rendered.text)
        message.add_alternative(rendered.html, subtype="html")
        return message
