"""Messages leaving the transaction: the outbox and its deliveries, the job queue, mail, and the list cache."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol, TypeVar
from uuid import UUID

from domain.outbox import EmailDelivery, OutboxMessage, OutgoingEmail

T = TypeVar("T")


class DeliveryFailed(Exception):
    """The mail server refused or could not be reached; worth trying again later."""


class Undeliverable(DeliveryFailed):
    """No retry can mend it: the address was refused for good, or the message cannot be built."""


class Mailer(Protocol):
    async def send(self, email: OutgoingEmail, *, message_key: str | None = None) -> None:
        """Raises `DeliveryFailed` when the message could not be handed over, `Undeliverable` when it never will.
        The same `message_key` gives the same Message-ID, so a resent copy is recognisable as the same email."""
        ...


class QueueUnavailable(Exception):
    """The job broker cannot be reached; the outbox keeps the message for the sweep."""


class JobQueue(Protocol):
    async def enqueue(self, job: str, **arguments: str) -> None:
        """Hands a job to the workers by name, with string arguments (ids, never objects)."""
        ...


class OutboxRepository(Protocol):
    async def add(self, message: OutboxMessage) -> None:
        """A message whose dedupe key was already used is dropped silently."""
        ...

    async def add_many(self, messages: list[OutboxMessage]) -> None: ...
    async def get(self, message_id: UUID) -> OutboxMessage | None: ...
    async def due(self, now: datetime, dispatched_before: datetime, limit: int) -> list[OutboxMessage]:
        """Messages not done that are due and not handed over, or handed over before `dispatched_before`
        (their lease expired: the job was lost or its worker died), oldest first."""
        ...

    async def mark_dispatched(self, ids: list[UUID], now: datetime) -> None: ...
    async def release(self, ids: list[UUID]) -> None:
        """Handed over no more (the queue refused them): due for the sweep again at their `due_at`."""
        ...

    async def finish(self, message_id: UUID, now: datetime, error: str = "") -> None:
        """Done: the job finished, delivered, or failed for good with `error` as the reason."""
        ...

    async def retry_at(self, message_id: UUID, at: datetime, error: str) -> None:
        """Not done: handed back to the sweep, due again at `at`."""
        ...

    async def reopen(self, ids: list[UUID], now: datetime) -> None:
        """Done messages due again now (an admin's retry)."""
        ...

    async def redact(self, message_id: UUID) -> None:
        """Drops the message's context (codes, links), keeping who and what for the record."""
        ...

    def written(self) -> list[OutboxMessage]:
        """The messages this unit of work wrote (not those a dedupe key dropped), for the relay after commit;
        where a relay is wired they were written handed over already (`dispatched_at` set)."""
        ...


class DeliveryRepository(Protocol):
    async def get(self, outbox_id: UUID, *, for_update: bool = False) -> EmailDelivery | None: ...
    async def claim(self, delivery: EmailDelivery) -> EmailDelivery:
        """Stores `delivery` unless its message has one, then returns the stored one locked until the end of
        the transaction: a concurrent delivery of the same message waits here, then sees the outcome."""
        ...

    async def save(self, delivery: EmailDelivery) -> None: ...
    async def failed(self, limit: int) -> list[EmailDelivery]:
        """Failed deliveries, oldest first."""
        ...


class ListCache(Protocol):
    async def fetch(self, scope: str, key: str, load: Callable[[], Awaitable[T]], result_type: type[T]) -> T:
        """The cached value under the scope's current version, or `load()` stored for next time."""
        ...

    async def fetch_rendered(
        self, scope: str, key: str, load: Callable[[], Awaitable[T]], render: Callable[[T], bytes]
    ) -> bytes:
        """Like `fetch`, but keeps and answers `render(value)`: the bytes a client is sent, never decoded again."""
        ...

    async def invalidate(self, scope: str) -> None:
        """Hides every entry of the scope from the very next read, in every process."""
        ...
