"""Side effects written in the same transaction as the change that causes them, and what became of each email."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from uuid import UUID

from domain.errors import Conflict
from domain.ids import new_id

SEND_EMAIL = "send_email"
MAX_ERROR_LENGTH = 500
# A message the queue refused right after commit waits this long (from its creation) before the sweep takes it.
RELAY_GRACE = timedelta(seconds=30)


@dataclass(frozen=True)
class OutgoingEmail:
    to: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class OutboxMessage:
    """A job for the workers, done only once the job has finished, not once it was handed over.

    `dispatched_at` is when it was last handed to the queue (the lease runs from there); `due_at` is when
    the sweep may hand it over again if it is not dispatched; `done_at` ends it, with `last_error` if it failed.
    """

    job: str
    payload: Mapping[str, Any]
    created_at: datetime
    dedupe_key: str | None = None
    dispatched_at: datetime | None = None
    due_at: datetime | None = None
    done_at: datetime | None = None
    last_error: str = ""
    id: UUID = field(default_factory=new_id)

    @classmethod
    def email(cls, email: OutgoingEmail, now: datetime, dedupe_key: str | None = None) -> OutboxMessage:
        payload = {"to": email.to, "template": email.template, "context": dict(email.context)}
        return cls(SEND_EMAIL, payload, now, dedupe_key, due_at=now + RELAY_GRACE)

    def leased(self) -> OutboxMessage:
        """As handed over when it was created: written so by the transaction whose relay enqueues it after commit.
        Should that never happen (the process died in between), the sweep takes it once the lease runs out."""
        return self if self.dispatched_at is not None else replace(self, dispatched_at=self.created_at)

    def as_email(self) -> OutgoingEmail:
        return OutgoingEmail(self.payload["to"], self.payload["template"], self.payload.get("context", {}))

    def redacted(self) -> OutboxMessage:
        """Without its context (codes, links): who and what stay on record, the secrets do not."""
        return replace(self, payload={key: value for key, value in self.payload.items() if key != "context"})


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, from `first` up to `longest` between tries, for `window` in all."""

    first: timedelta = timedelta(minutes=1)
    longest: timedelta = timedelta(hours=1)
    window: timedelta = timedelta(hours=24)

    def delay(self, attempts: int, jitter: float) -> timedelta:
        """The wait after the `attempts`-th failure; `jitter` in [0, 1) spreads it over its upper half."""
        exponent = min(max(attempts - 1, 0), 32)
        longest: timedelta = min(self.longest, self.first * (2**exponent))
        return longest * (0.5 + jitter / 2)


class DeliveryNotFailed(Conflict):
    code = "delivery_not_failed"
    message = "Only a failed delivery can be retried; this one is delivered or still being tried."


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
    give_up_at: datetime | None = None  # after this instant a failure is final

    @property
    def is_final(self) -> bool:
        return self.status is not DeliveryStatus.PENDING

    def sent(self, now: datetime) -> None:
        self.attempts += 1
        self.updated_at = now
        self.status, self.last_error = DeliveryStatus.SENT, ""

    def attempt_failed(self, error: str, now: datetime, policy: RetryPolicy, jitter: float) -> datetime | None:
        """Records a failure worth trying again; returns when to, or None once the window is spent (failed)."""
        self.attempts += 1
        self.updated_at = now
        self.last_error = error[:MAX_ERROR_LENGTH]
        retry_at = now + policy.delay(self.attempts, jitter)
        if self.give_up_at is not None and retry_at > self.give_up_at:
            self.status = DeliveryStatus.FAILED
            return None
        return retry_at

    def undeliverable(self, error: str, now: datetime) -> None:
        """A failure no retry can mend (a refused address, a message that cannot be built): final at once."""
        self.attempts += 1
        self.updated_at = now
        self.status, self.last_error = DeliveryStatus.FAILED, error[:MAX_ERROR_LENGTH]

    def retry(self, now: datetime, policy: RetryPolicy) -> None:
        """A failed delivery starts over: pending again, with a fresh window and backoff."""
        if self.status is not DeliveryStatus.FAILED:
            raise DeliveryNotFailed()
        self.status, self.attempts, self.updated_at = DeliveryStatus.PENDING, 0, now
        self.give_up_at = now + policy.window
