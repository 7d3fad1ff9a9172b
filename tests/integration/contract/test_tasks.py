"""The task repository's contract: lookups of live tasks, slugs, the conditional slot, refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.access import ProjectRole
from domain.errors import SlugTaken, TaskClosed, TaskFull
from domain.ids import new_id
from domain.projects import Membership
from tests.integration.contract.conftest import MINUTE, T0, Backend, a_project, a_task, a_user, an_admin


async def test_a_task_round_trips_every_field_and_only_live_ones_are_found_by_slug(backend: Backend) -> None:
    admin = an_admin()
    project = a_project(admin)
    task = a_task(
        admin, project_id=project.id, description="Two coats", points=7, claim_limit=3, due_date=date(2026, 4, 1),
        claim_duration_seconds=3600, auto_approve_after_seconds=86400, slots_taken=2, approved_slots=1,
        image_path="tasks/a.png", thumbnail_path="tasks/b.png",
    )  # fmt: skip
    gone = a_task(admin, "gone", deleted_at=T0)
    await backend.seed(admin, project, task, gone)
    async with backend.uow() as uow:
        assert await uow.tasks.get(task.id) == task
        assert await uow.tasks.get(task.id, for_update=True) == task
        assert await uow.tasks.get_by_slug("paint", for_update=True) == task
        assert await uow.tasks.get(gone.id) == gone  # by id, history stays reachable
        assert await uow.tasks.get_by_slug("gone") is None
        assert await uow.tasks.get(new_id()) is None
        assert (await uow.tasks.slug_taken("paint"), await uow.tasks.slug_taken("gone")) == (True, False)


async def test_a_task_is_found_by_slug_with_the_users_role_in_its_live_project(backend: Backend) -> None:
    admin, ada, bob = an_admin(), a_user(), a_user("bob@example.com")
    project, ended = a_project(admin), a_project(admin, "ended")
    task, board = a_task(admin, project_id=project.id), a_task(admin, "board")
    stray = a_task(admin, "stray", project_id=ended.id)  # its project deleted, the task itself not
    gone = a_task(admin, "gone", project_id=project.id, deleted_at=T0)
    await backend.seed(admin, ada, bob, project, ended, task, board, stray, gone)
    async with backend.uow() as uow:
        await uow.memberships.add(Membership(project.id, ada.id, ProjectRole.MANAGER, T0))
        await uow.memberships.add(Membership(project.id, bob.id, ProjectRole.MEMBER, T0))
        await uow.memberships.add(Membership(ended.id, ada.id, ProjectRole.MANAGER, T0))
        ended.delete(admin.id, T0)
        await uow.projects.update(ended)
        await uow.commit()
    expected = [
        ("paint", ada, (task, ProjectRole.MANAGER)),
        ("paint", bob, (task, ProjectRole.MEMBER)),
        ("paint", admin, (task, None)),
        ("board", ada, (board, None)),
        ("stray", ada, (stray, None)),  # a deleted project's members have no role in it
        ("gone", ada, None),
        ("elsewhere", ada, None),
    ]
    async with backend.uow() as uow:
        for slug, user, found in expected:
            assert await uow.tasks.get_by_slug_with_role(slug, user.id) == found, slug


async def test_a_taken_slug_is_refused_and_the_unit_goes_on(backend: Backend) -> None:
    admin = an_admin()
    await backend.seed(admin, a_task(admin), a_task(admin, "old", deleted_at=T0))
    async with backend.uow() as uow:
        with pytest.raises(SlugTaken):
            await uow.tasks.add(a_task(admin))
        reused = a_task(admin, "old")  # a deleted task's slug is free again
        await uow.tasks.add(reused)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.tasks.get_by_slug("old") == reused


async def test_take_slot_counts_in_the_stored_row_and_refuses_full_closed_or_deleted(backend: Backend) -> None:
    admin = an_admin()
    task, closed, deleted = a_task(admin, claim_limit=2), a_task(admin, "shut", is_open=False), a_task(admin, "x")
    await backend.seed(admin, task, closed, deleted)
    stale = replace(task)
    async with backend.uow() as uow:
        await uow.tasks.take_slot(task)
        await uow.tasks.take_slot(stale)
        assert (task.slots_taken, stale.slots_taken) == (1, 2)
        with pytest.raises(TaskFull):
            await uow.tasks.take_slot(task)
    async with backend.uow() as uow:
        with pytest.raises(TaskClosed):
            await uow.tasks.take_slot(closed)
    async with backend.uow() as uow:
        await uow.tasks.update(replace(deleted, deleted_at=T0))
        with pytest.raises(TaskClosed):
            await uow.tasks.take_slot(deleted)


async def test_more_slots_than_the_limit_are_refused_as_task_full(backend: Backend) -> None:
    admin = an_admin()
    task = a_task(admin)
    await backend.seed(admin, task)
    async with backend.uow() as uow:
        task.slots_taken = 2
        with pytest.raises(TaskFull):
            await uow.tasks.update(task)


async def test_deleting_a_projects_tasks_touches_only_its_live_ones(backend: Backend) -> None:
    admin = an_admin()
    project, other = a_project(admin), a_project(admin, "other")
    mine, earlier = a_task(admin, project_id=project.id), a_task(admin, "old", project_id=project.id, deleted_at=T0)
    theirs, public = a_task(admin, "theirs", project_id=other.id), a_task(admin, "public")
    await backend.seed(admin, project, other, mine, earlier, theirs, public)
    async with backend.uow() as uow:
        assert await uow.tasks.delete_for_project(project.id, T0 + MINUTE) == 1
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.tasks.get(mine.id) == replace(mine, deleted_at=T0 + MINUTE)
        assert [await uow.tasks.get(t.id) for t in (earlier, theirs, public)] == [earlier, theirs, public]
