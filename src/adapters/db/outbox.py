"""The outbox and the deliveries of its emails."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from adapters.db.tables import email_deliveries, outbox
from domain.outbox import MAX_ERROR_LENGTH, DeliveryStatus, EmailDelivery, OutboxMessage


def dialect_insert(connection: Any, table: Any) -> Any:
    return (postgresql if connection.dialect.name == "postgresql" else sqlite).insert(table)


def _message_from_row(row: Row[Any]) -> OutboxMessage:
    return OutboxMessage(**row._mapping)


def _delivery_from_row(row: Row[Any]) -> EmailDelivery:
    delivery = EmailDelivery(**row._mapping)
    delivery.status = DeliveryStatus(delivery.status)
    return delivery


class SqlOutboxRepository:
    """`leased`: a relay hands what this unit of work writes to the queue right after commit, so its rows are
    written already handed over (their lease running from their creation), in the transaction that causes them."""

    def __init__(self, connection: Any, *, leased: bool = False) -> None:
        self._conn = connection
        self._leased = leased
        self._written: list[OutboxMessage] = []

    @staticmethod
    def _values(message: OutboxMessage) -> dict[str, Any]:
        return {
            "id": message.id,
            "job": message.job,
            "payload": dict(message.payload),
            "dedupe_key": message.dedupe_key,
            "created_at": message.created_at,
            "dispatched_at": message.dispatched_at,
            "due_at": message.due_at or message.created_at,
            "done_at": message.done_at,
            "last_error": message.last_error,
        }

    async def add(self, message: OutboxMessage) -> None:
        await self.add_many([message])

    async def add_many(self, messages: list[OutboxMessage]) -> None:
        if not messages:
            return
        if self._leased:
            messages = [m.leased() for m in messages]
        statement = dialect_insert(self._conn, outbox).on_conflict_do_nothing().returning(outbox.c.id)
        result = await self._conn.execute(statement, [self._values(m) for m in messages])
        inserted = set(result.scalars().all())
        self._written += [m for m in messages if m.id in inserted]

    async def get(self, message_id: UUID) -> OutboxMessage | None:
        row = (await self._conn.execute(select(outbox).where(outbox.c.id == message_id))).first()
        return None if row is None else _message_from_row(row)

    async def due(self, now: datetime, dispatched_before: datetime, limit: int) -> list[OutboxMessage]:
        waiting = and_(outbox.c.dispatched_at.is_(None), outbox.c.due_at <= now)
        lease_expired = outbox.c.dispatched_at <= dispatched_before
        query = (
            select(outbox)
            .where(outbox.c.done_at.is_(None), or_(waiting, lease_expired))
            .order_by(outbox.c.due_at)
            .limit(limit)
        )
        return [_message_from_row(row) for row in (await self._conn.execute(query)).all()]

    async def mark_dispatched(self, ids: list[UUID], now: datetime) -> None:
        await self._set(ids, dispatched_at=now)

    async def release(self, ids: list[UUID]) -> None:
        await self._set(ids, dispatched_at=None)

    async def finish(self, message_id: UUID, now: datetime, error: str = "") -> None:
        await self._set([message_id], done_at=now, dispatched_at=None, last_error=error[:MAX_ERROR_LENGTH])

    async def retry_at(self, message_id: UUID, at: datetime, error: str) -> None:
        await self._set([message_id], due_at=at, dispatched_at=None, last_error=error[:MAX_ERROR_LENGTH])

    async def reopen(self, ids: list[UUID], now: datetime) -> None:
        if ids:
            statement = update(outbox).where(outbox.c.id.in_(ids))
            await self._conn.execute(statement.values(done_at=None, dispatched_at=None, due_at=now, last_error=""))

    async def _set(self, ids: list[UUID], **values: Any) -> None:
        # A finished message stays finished: a late or duplicate job cannot reopen it.
        if ids:
            statement = update(outbox).where(outbox.c.id.in_(ids), outbox.c.done_at.is_(None)).values(**values)
            await self._conn.execute(statement)

    async def redact(self, message_id: UUID) -> None:
        message = await self.get(message_id)
        if message is not None and "context" in message.payload:
            payload = dict(message.redacted().payload)
            await self._conn.execute(update(outbox).where(outbox.c.id == message_id).values(payload=payload))

    def written(self) -> list[OutboxMessage]:
        return list(self._written)


class SqlDeliveryRepository:
    def __init__(self, connection: Any) -> None:
        self._conn = connection

    async def get(self, outbox_id: UUID, *, for_update: bool = False) -> EmailDelivery | None:
        query = select(email_deliveries).where(email_deliveries.c.outbox_id == outbox_id)
        row = (await self._conn.execute(query.with_for_update() if for_update else query)).first()
        return None if row is None else _delivery_from_row(row)

    async def claim(self, delivery: EmailDelivery) -> EmailDelivery:
        values = self._values(delivery)
        await self._conn.execute(dialect_insert(self._conn, email_deliveries).values(values).on_conflict_do_nothing())
        claimed = await self.get(delivery.outbox_id, for_update=True)
        assert claimed is not None
        return claimed

    @staticmethod
    def _values(delivery: EmailDelivery) -> dict[str, Any]:
        return {
            "outbox_id": delivery.outbox_id,
            "to": delivery.to,
            "template": delivery.template,
            "status": delivery.status.value,
            "attempts": delivery.attempts,
            "last_error": delivery.last_error,
            "updated_at": delivery.updated_at,
            "give_up_at": delivery.give_up_at,
        }

    async def save(self, delivery: EmailDelivery) -> None:
        values = self._values(delivery)
        statement = dialect_insert(self._conn, email_deliveries).values(values)
        changed = {k: v for k, v in values.items() if k != "outbox_id"}
        await self._conn.execute(statement.on_conflict_do_update(index_elements=["outbox_id"], set_=changed))

    async def failed(self, limit: int) -> list[EmailDelivery]:
        query = (
            select(email_deliveries)
            .where(email_deliveries.c.status == DeliveryStatus.FAILED.value)
            .order_by(email_deliveries.c.updated_at)
            .limit(limit)
        )
        return [_delivery_from_row(row) for row in (await self._conn.execute(query)).all()]
