"""The unit of work's contract: one transaction, and the events of its entities turned into side effects in it."""

from __future__ import annotations

from domain.account_events import LoginFailed
from domain.assignments import Assignment, Origin
from domain.notifications import NotificationKind
from tests.integration.contract.conftest import MINUTE, T0, Backend, a_task, a_user, an_admin


async def test_events_of_handed_out_and_added_entities_become_side_effects_at_commit(backend: Backend) -> None:
    admin, ada = an_admin(), a_user()
    task = a_task(admin, points=4)
    claim = Assignment(task.id, ada.id, Origin.CLAIMED, T0)
    await backend.seed(admin, ada, task, claim)
    async with backend.uow() as uow:
        loaded = await uow.tasks.get(task.id, for_update=True)
        assignment = await uow.assignments.get(claim.id, for_update=True)
        assert loaded is not None
        assert assignment is not None
        loaded.submit(assignment, "done", T0 + MINUTE)
        loaded.approve(assignment, admin.id, "", T0 + 2 * MINUTE)
        await uow.assignments.update(assignment)
        uow.record(LoginFailed(at=T0, email="x@example.com", user_id=None))
        await uow.commit()
    entries = await backend.audit_entries()
    assert [e.action for e in entries] == ["login.failed", "assignment.approved"]
    async with backend.uow() as uow:
        # The approval's email went to the outbox with the notification, in the same transaction.
        [email] = await uow.outbox.due(T0 + 10 * MINUTE, T0, 10)
        assert (email.as_email().to, email.as_email().template) == (ada.email, "approved")
    assert await _kinds(backend, ada.id) == [NotificationKind.CLAIM_APPROVED]
    assert await _kinds(backend, admin.id) == [NotificationKind.SUBMISSION_WAITING]


async def test_events_of_a_unit_left_without_commit_are_dropped(backend: Backend) -> None:
    admin, ada = an_admin(), a_user()
    task = a_task(admin)
    await backend.seed(admin, ada, task)
    async with backend.uow() as uow:
        loaded = await uow.tasks.get(task.id)
        assert loaded is not None
        loaded.delete(admin.id, T0)
        uow.record(LoginFailed(at=T0, email="x@example.com", user_id=None))
    async with backend.uow() as uow:
        await uow.commit()  # nothing carried over from the unit that rolled back
    assert await backend.audit_entries() == []


async def _kinds(backend: Backend, user_id: object) -> list[NotificationKind]:
    from application.queries import PageRequest

    if backend.name == "fake":
        store = backend.uow.store  # type: ignore[attr-defined]
        return [n.kind for n in store.notifications.values() if n.user_id == user_id]
    from adapters.db.account_queries import SqlNotificationQueries

    engine = backend.uow.engine  # type: ignore[attr-defined]
    page = await SqlNotificationQueries(engine).list(user_id, False, PageRequest())  # type: ignore[arg-type]
    return [n.kind for n in page.items]
