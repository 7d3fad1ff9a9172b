"""Fake repositories of the outbox and the deliveries of its emails."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from domain.outbox import EmailDelivery, OutboxMessage
from tests.fakes.base import Track
from tests.fakes.store import Tables, detached


class FakeOutboxRepository:
    def __init__(self, tables: Tables, track: Track | None = None) -> None:
        self.t = tables
        self._written: list[OutboxMessage] = []

    async def add(self, message: OutboxMessage) -> None:
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

    async def unsent(self, created_before: datetime, limit: int) -> list[OutboxMessage]:
        waiting = [m for m in self.t.rows("outbox") if m.sent_at is None and m.created_at <= created_before]
        return sorted(waiting, key=lambda m: m.created_at)[:limit]

    async def mark_sent(self, ids: list[UUID], now: datetime) -> None:
        for message_id in ids:
            message = self.t.get("outbox", message_id)
            if message is not None and message.sent_at is None:
                self.t.put("outbox", message_id, replace(message, sent_at=now))

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
