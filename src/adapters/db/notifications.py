"""The notification repository."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, update

from adapters.db.base import TableRepository
from adapters.db.tables import notifications
from domain.notifications import Notification, NotificationKind


def notification_from_row(row: Row[Any]) -> Notification:
    notification = Notification(**row._mapping)
    notification.kind = NotificationKind(notification.kind)
    return notification


class SqlNotificationRepository(TableRepository[Notification]):
    table = notifications
    entity = Notification

    def from_row(self, row: Row[Any]) -> Notification:
        return notification_from_row(row)

    async def add_many(self, items: list[Notification]) -> None:
        if items:
            await self._conn.execute(insert(notifications), [self.to_row(n) for n in items])

    async def mark_all_read(self, user_id: UUID, now: datetime) -> int:
        result = await self._conn.execute(
            update(notifications)
            .where(notifications.c.user_id == user_id, notifications.c.read_at.is_(None))
            .values(read_at=now)
        )
        return int(result.rowcount)
