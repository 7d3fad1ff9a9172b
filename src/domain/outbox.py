"""Side effects written in the same transaction as the change that causes them, and what became of each email."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.ids import new_id

SEND_EMAIL = "send_email"
MAX_EMAIL_ATTEMPTS = 5
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboxMessage:
    """A job to hand to the workers once the transaction that wrote it has committed."""

    job: str
    payload: Mapping[str, Any]
    created_at: datetime
    dedupe_key: str | None = None
    sent_at: datetime | None = None
    id: UUID = field(default_factory=new_id)

    @classmethod
    def email(cls, email: OutgoingEmail, now: datetime, dedupe_key: str | None = None) -> OutboxMessage:
        payload = {"to": email.to, "template": email.template, "context": dict(email.context)}
        return cls(SEND_EMAIL, payload, now, dedupe_key)

    def as_email(self) -> OutgoingEmail:
        return OutgoingEmail(self.payload["to"], self.payload["template"], self.payload.get("context", {}))

    def redacted(self) -> OutboxMessage:
        """Without its context (codes, links): who and what stay on record, the secrets do not."""
        payload = {key: value for key, value in self.payload.items() if key != "context"}
        return OutboxMessage(self.job, payload, self.created_at, self.dedupe_key, self.sent_at, self.id)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass
class EmailDelivery:
    """One outbox email's delivery: retried while pending, final once sent or failed."""

    outbox_id: UUID
    to: str
    template: str
    status: DeliveryStatus = DeliveryStatus.PENDING
    attempts: int = 0
    last_error: str = ""
    updated_at: datetime | None = None

    @property
    def is_final(self) -> bool:
        return self.status is not DeliveryStatus.PENDING

    def sent(self, now: datetime) -> None:
        self.attempts += 1
        self.updated_at = now
        self.status, self.last_error = DeliveryStatus.SENT, ""

    def attempt_failed(self, error: str, now: datetime) -> None:
        """A failure is tried again until the last attempt, which marks the delivery failed."""
        self.attempts += 1
        self.updated_at = now
        self.last_error = error[:MAX_ERROR_LENGTH]
        self.status = DeliveryStatus.FAILED if self.attempts >= MAX_EMAIL_ATTEMPTS else DeliveryStatus.PENDING
