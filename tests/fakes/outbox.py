"""Fake repositories of the outbox and the deliveries of its emails."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.outbox import MAX_ERROR_LENGTH, DeliveryStatus, EmailDelivery, OutboxMessage
from tests.fakes.base import Track
from tests.fakes.store import Tables, detached


class FakeOutboxRepository:
    def __init__(self, tables: Tables, track: Track | None = None, *, leased: bool = False) -> None:
        self.t = tables
        self._leased = leased  # a relay is wired: rows are written handed over, as production writes them
        self._written: list[OutboxMessage] = []

    async def add(self, message: OutboxMessage) -> None:
        message = message.leased() if self._leased else message
        if message.dedupe_key and any(m.dedupe_key == message.dedupe_key for m in self.t.rows("outbox")):
            return
        self.t.put("outbox", message.id, message)
        self._written.append(message)

    async def add_many(self, messages: list[OutboxMessage]) -> None:
        for message in messages:
            await self.add(message)

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        found: OutboxMessage | None = self.t.get("outbox", message_id)
        return found

    async def due(self, now: datetime, dispatched_before: datetime, limit: int) -> list[OutboxMessage]:
        def is_due(m: OutboxMessage) -> bool:
            if m.dispatched_at is None:
                return (m.due_at or m.created_at) <= now
            return m.dispatched_at <= dispatched_before

        waiting = [m for m in self.t.rows("outbox") if m.done_at is None and is_due(m)]
        return sorted(waiting, key=lambda m: m.due_at or m.created_at)[:limit]

    def _set(self, ids: list[UUID], **changes: Any) -> None:
        for message_id in ids:
            message = self.t.get("outbox", message_id)
            if message is not None and message.done_at is None:
                self.t.put("outbox", message_id, replace(message, **changes))

    async def mark_dispatched(self, ids: list[UUID], now: datetime) -> None:
        self._set(ids, dispatched_at=now)

    async def release(self, ids: list[UUID]) -> None:
        self._set(ids, dispatched_at=None)

    async def finish(self, message_id: UUID, now: datetime, error: str = "") -> None:
        self._set([message_id], done_at=now, dispatched_at=None, last_error=error[:MAX_ERROR_LENGTH])

    async def retry_at(self, message_id: UUID, at: datetime, error: str) -> None:
        self._set([message_id], due_at=at, dispatched_at=None, last_error=error[:MAX_ERROR_LENGTH])

    async def reopen(self, ids: list[UUID], now: datetime) -> None:
        for message_id in ids:
            message = self.t.get("outbox", message_id)
            if message is not None:
                changes = {"done_at": None, "dispatched_at": None, "due_at": now, "last_error": ""}
                self.t.put("outbox", message_id, replace(message, **changes))

    async def redact(self, message_id: UUID) -> None:
        message = self.t.get("outbox", message_id)
        if message is not None:
            self.t.put("outbox", message_id, message.redacted())

    def written(self) -> list[OutboxMessage]:
        return list(self._written)


class FakeDeliveryRepository:
    def __init__(self, tables: Tables, track: Track | None = None) -> None:
        self.t = tables

    async def get(self, outbox_id: UUID, *, for_update: bool = False) -> EmailDelivery | None:
        found = self.t.get("deliveries", outbox_id)
        return None if found is None else detached(found)

    async def claim(self, delivery: EmailDelivery) -> EmailDelivery:
        if self.t.get("deliveries", delivery.outbox_id) is None:
            self.t.put("deliveries", delivery.outbox_id, delivery)
        claimed: EmailDelivery = detached(self.t.get("deliveries", delivery.outbox_id))
        return claimed

    async def save(self, delivery: EmailDelivery) -> None:
        self.t.put("deliveries", delivery.outbox_id, delivery)

    async def failed(self, limit: int) -> list[EmailDelivery]:
        found = [d for d in self.t.rows("deliveries") if d.status is DeliveryStatus.FAILED]
        return [detached(d) for d in sorted(found, key=lambda d: d.updated_at)[:limit]]
