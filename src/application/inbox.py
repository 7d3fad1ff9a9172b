"""Notification use cases: mark one or all as read."""

from __future__ import annotations

from uuid import UUID

from application.ports.clock import Clock
from application.ports.repositories import UnitOfWorkFactory
from domain.errors import NotificationNotFound
from domain.notifications import Notification
from domain.users import User


async def mark_read(notification_id: UUID, user: User, uow: UnitOfWorkFactory, clock: Clock) -> Notification:
    async with uow() as work:
        notification = await work.notifications.get(notification_id)
        if notification is None or notification.user_id != user.id:
            raise NotificationNotFound()
        notification.mark_read(clock.now())
        await work.notifications.update(notification)
        await work.commit()
    return notification


async def mark_all_read(user: User, uow: UnitOfWorkFactory, clock: Clock) -> int:
    async with uow() as work:
        count = await work.notifications.mark_all_read(user.id, clock.now())
        await work.commit()
    return count
