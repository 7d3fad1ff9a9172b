"""The notification repository's contract: one or many at once, marked read one by one or all together."""

from __future__ import annotations

from domain.ids import new_id
from domain.notifications import Notification, NotificationKind
from tests.integration.contract.conftest import MINUTE, T0, Backend, a_user


async def test_notifications_round_trip_and_all_of_one_user_are_marked_read(backend: Backend) -> None:
    ada, bob = a_user(), a_user("bob@example.com")
    first = Notification(ada.id, NotificationKind.ASSIGNED, "You were assigned", "/tasks/x/", T0)
    read = Notification(ada.id, NotificationKind.OVERDUE, "Late", "/tasks/y/", T0, read_at=T0)
    others = [Notification(bob.id, NotificationKind.INVITED, f"Invited {n}", "/projects/", T0) for n in range(3)]
    await backend.seed(ada, bob, first, read)
    async with backend.uow() as uow:
        await uow.notifications.add_many(others)
        await uow.notifications.add_many([])
        await uow.commit()
    async with backend.uow() as uow:
        found = await uow.notifications.get(first.id)
        assert found == first
        assert found is not None
        assert type(found.kind) is NotificationKind
        assert [await uow.notifications.get(n.id) for n in others] == others
        assert await uow.notifications.get(new_id()) is None
        first.mark_read(T0 + MINUTE)
        await uow.notifications.update(first)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.notifications.mark_all_read(bob.id, T0 + 2 * MINUTE) == 3
        assert await uow.notifications.mark_all_read(bob.id, T0 + 3 * MINUTE) == 0
        assert await uow.notifications.mark_all_read(ada.id, T0 + 3 * MINUTE) == 0
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.notifications.get(first.id) == first
        assert [(await uow.notifications.get(n.id)).read_at for n in others] == [T0 + 2 * MINUTE] * 3  # type: ignore[union-attr]
