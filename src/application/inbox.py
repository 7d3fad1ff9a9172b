"""Notification use cases: mark one or all as read, and follow the unread count live."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from uuid import UUID

from application import sessions
from application.identity import Identity
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWorkFactory
from application.queries import Queries
from domain.errors import AccountInactive, AuthenticationFailed, NotificationNotFound
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


@dataclass(frozen=True)
class LiveBadge:
    """How the unread count is followed: a check every `interval` seconds, `checks` of them, then the stream
    ends and the browser reconnects (and so proves its session again)."""

    interval: float = 5.0
    checks: int = 120  # ten minutes
    wait: Callable[[float], Awaitable[None]] = asyncio.sleep
    ended: Callable[[], bool] = lambda: False  # the server is stopping: the browser reconnects elsewhere


async def unread_changes(
    user: User, session: tuple[int, UUID], identity: Identity, queries: Queries, live: LiveBadge
) -> AsyncIterator[int]:
    """The unread count now, then again each time it changes. It stops as soon as the session ends (sign-out,
    a new password, deactivation), so a stream never outlives the sign-in that opened it, and as soon as the
    server is stopping."""
    last: int | None = None
    for check in range(live.checks):
        if check:
            await live.wait(live.interval)
            if live.ended():
                return
            try:
                await sessions.resume_session(user.id, session[0], identity, session[1])
            except (AuthenticationFailed, AccountInactive):
                return
        count = await queries.notifications.unread_count(user.id)
        if count != last:
            last = count
            yield count
