"""The assignment repository's contract: one per task and user, one active claim per member, the lookups."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.assignments import Assignment, AssignmentStatus, Origin
from domain.errors import ActiveClaimHeld, AlreadyClaimed
from domain.ids import new_id
from domain.users import User
from tests.integration.contract.conftest import MINUTE, T0, Backend, a_project, a_task, a_user, an_admin


def an_assignment(task_id: object, user: User, origin: Origin = Origin.CLAIMED, **changes: object) -> Assignment:
    return replace(Assignment(task_id, user.id, origin, T0), **changes)  # type: ignore[arg-type]


async def test_an_assignment_round_trips_every_field(backend: Backend) -> None:
    admin, ada = an_admin(), a_user("ada@example.com")
    task = a_task(admin)
    done = an_assignment(
        task.id, ada, Origin.ASSIGNED, status=AssignmentStatus.REJECTED, expires_at=T0 + MINUTE, note="done",
        feedback="no", reviewer_id=admin.id, assigned_by=admin.id, submitted_at=T0 + MINUTE,
        reviewed_at=T0 + 2 * MINUTE, ended_at=None, auto_approve_at=T0 + 3 * MINUTE,
    )  # fmt: skip
    await backend.seed(admin, ada, task, done)
    async with backend.uow() as uow:
        found = await uow.assignments.get(done.id, for_update=True)
        assert found == done
        assert found is not None
        assert (type(found.status), type(found.origin)) == (AssignmentStatus, Origin)
        assert await uow.assignments.find(task.id, ada.id) == done
        assert await uow.assignments.find(task.id, admin.id) is None
        assert await uow.assignments.get(new_id()) is None


async def test_one_assignment_per_task_and_user_ever(backend: Backend) -> None:
    admin, ada = an_admin(), a_user("ada@example.com")
    task = a_task(admin)
    await backend.seed(admin, ada, task, an_assignment(task.id, ada, status=AssignmentStatus.RELEASED))
    async with backend.uow() as uow:
        with pytest.raises(AlreadyClaimed):
            await uow.assignments.add(an_assignment(task.id, ada, Origin.ASSIGNED))


async def test_one_active_claim_per_member_but_assignments_do_not_count(backend: Backend) -> None:
    admin, ada = an_admin(), a_user("ada@example.com")
    first, second, third = a_task(admin, "one"), a_task(admin, "two"), a_task(admin, "three")
    claim = an_assignment(first.id, ada)
    await backend.seed(admin, ada, first, second, third, claim)
    async with backend.uow() as uow:
        assert await uow.assignments.active_claim_of(ada.id) == claim
        assert await uow.assignments.active_claim_of(admin.id) is None
        await uow.assignments.add(an_assignment(third.id, ada, Origin.ASSIGNED))  # a reviewer's doing: allowed
        with pytest.raises(ActiveClaimHeld):
            await uow.assignments.add(an_assignment(second.id, ada))


async def test_open_claims_match_every_filter_given(backend: Backend) -> None:
    admin, ada, bob = an_admin(), a_user("ada@example.com"), a_user("bob@example.com")
    project = a_project(admin)
    inside, outside = a_task(admin, "inside", project_id=project.id), a_task(admin, "outside")
    ada_in = an_assignment(inside.id, ada)
    bob_in = an_assignment(inside.id, bob, Origin.ASSIGNED)
    ada_out = an_assignment(outside.id, ada, Origin.ASSIGNED)
    bob_done = an_assignment(outside.id, bob, status=AssignmentStatus.SUBMITTED)
    await backend.seed(admin, ada, bob, project, inside, outside, ada_in, bob_in, ada_out, bob_done)

    async def ids(**filters: object) -> set[object]:
        async with backend.uow() as uow:
            return {a.id for a in await uow.assignments.open_claims(**filters)}  # type: ignore[arg-type]

    assert await ids() == {ada_in.id, bob_in.id, ada_out.id}
    assert await ids(task_id=inside.id) == {ada_in.id, bob_in.id}
    assert await ids(project_id=project.id, user_id=ada.id) == {ada_in.id}
    assert await ids(user_id=bob.id) == {bob_in.id}


async def test_an_update_persists_and_leaving_without_commit_does_not(backend: Backend) -> None:
    admin, ada = an_admin(), a_user("ada@example.com")
    task = a_task(admin)
    claim = an_assignment(task.id, ada)
    await backend.seed(admin, ada, task, claim)
    async with backend.uow() as uow:
        claim.release(T0 + MINUTE)
        await uow.assignments.update(claim)
    async with backend.uow() as uow:
        assert await uow.assignments.get(claim.id) == an_assignment(task.id, ada, id=claim.id)
        await uow.assignments.update(claim)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.assignments.get(claim.id) == claim
