"""The project and membership contracts: live slugs, roles in live projects only, who reviews."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from domain.access import ProjectRole
from domain.errors import AlreadyMember, SlugTaken
from domain.ids import new_id
from domain.projects import Membership, ProjectStatus
from tests.integration.contract.conftest import MINUTE, T0, Backend, a_project, a_user, an_admin


async def test_a_project_round_trips_and_only_live_ones_are_found_by_slug(backend: Backend) -> None:
    admin = an_admin()
    project = a_project(
        admin, description="New site", status=ProjectStatus.ON_HOLD, start_date=date(2026, 1, 1),
        due_date=date(2026, 6, 1),
    )  # fmt: skip
    gone = a_project(admin, "gone", deleted_at=T0)
    await backend.seed(admin, project, gone)
    async with backend.uow() as uow:
        assert await uow.projects.get(project.id, for_update=True) == project
        assert await uow.projects.get_by_slug("site", for_update=True) == project
        assert await uow.projects.get_by_slug("gone") is None
        assert await uow.projects.get(gone.id) == gone
        assert await uow.projects.get(new_id()) is None
        assert (await uow.projects.slug_taken("site"), await uow.projects.slug_taken("gone")) == (True, False)
        with pytest.raises(SlugTaken):
            await uow.projects.add(a_project(admin))
        project.name = "Renamed"
        await uow.projects.update(project)  # the unit goes on after the refusal
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.projects.get(project.id) == replace(project, name="Renamed")


async def test_a_project_is_found_by_slug_with_the_users_role_in_it(backend: Backend) -> None:
    admin, ada, bob, cy = an_admin(), a_user(), a_user("bob@example.com"), a_user("cy@example.com")
    project, gone = a_project(admin), a_project(admin, "gone")
    await backend.seed(admin, ada, bob, cy, project, gone)
    async with backend.uow() as uow:
        await uow.memberships.add(Membership(project.id, ada.id, ProjectRole.MANAGER, T0))
        await uow.memberships.add(Membership(project.id, bob.id, ProjectRole.MEMBER, T0))
        await uow.memberships.add(Membership(gone.id, cy.id, ProjectRole.MANAGER, T0))
        gone.delete(admin.id, T0)
        await uow.projects.update(gone)
        await uow.commit()
    async with backend.uow() as uow:
        for user, role in ((ada, ProjectRole.MANAGER), (bob, ProjectRole.MEMBER), (cy, None), (admin, None)):
            assert await uow.projects.get_by_slug_with_role("site", user.id) == (project, role), user.email
        assert await uow.projects.get_by_slug_with_role("gone", cy.id) is None
        assert await uow.projects.get_by_slug_with_role("elsewhere", ada.id) is None


async def test_memberships_and_roles(backend: Backend) -> None:
    admin, ada, bob, cy = an_admin(), a_user(), a_user("bob@example.com"), a_user("cy@example.com")
    project, gone = a_project(admin), a_project(admin, "gone")
    await backend.seed(admin, ada, bob, cy, project, gone)
    async with backend.uow() as uow:
        await uow.memberships.add(Membership(project.id, ada.id, ProjectRole.MANAGER, T0))
        await uow.memberships.add(Membership(project.id, bob.id, ProjectRole.MEMBER, T0))
        await uow.memberships.add(Membership(gone.id, cy.id, ProjectRole.MANAGER, T0))
        with pytest.raises(AlreadyMember):
            await uow.memberships.add(Membership(project.id, bob.id, ProjectRole.MANAGER, T0 + MINUTE))
        await uow.memberships.add(Membership(project.id, cy.id, ProjectRole.MEMBER, T0))  # the unit goes on
        gone.delete(admin.id, T0)
        await uow.projects.update(gone)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.memberships.role_in(project.id, ada.id) is ProjectRole.MANAGER
        assert await uow.memberships.role_in(project.id, bob.id) is ProjectRole.MEMBER
        assert await uow.memberships.role_in(project.id, admin.id) is None
        assert await uow.memberships.role_in(gone.id, cy.id) is None  # a deleted project has no members
        assert await uow.memberships.count_managers(project.id) == 1
        assert (await uow.memberships.manages_any(ada.id), await uow.memberships.manages_any(bob.id)) == (True, False)
        assert await uow.memberships.manages_any(cy.id) is False  # only of a deleted project
        await uow.memberships.remove(project.id, bob.id)
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.memberships.role_in(project.id, bob.id) is None
        assert await uow.memberships.count_managers(project.id) == 1


async def test_reviewers_are_the_active_managers_or_for_the_board_the_active_admins(backend: Backend) -> None:
    admin, retired = an_admin(), a_user("old@example.com", is_active=False)
    retired.role = admin.role
    ada, bob, cy = a_user(), a_user("bob@example.com"), a_user("cy@example.com", is_active=False)
    project = a_project(admin)
    await backend.seed(admin, retired, ada, bob, cy, project)
    async with backend.uow() as uow:
        for user, role in ((ada, ProjectRole.MANAGER), (bob, ProjectRole.MEMBER), (cy, ProjectRole.MANAGER)):
            await uow.memberships.add(Membership(project.id, user.id, role, T0))
        await uow.commit()
    async with backend.uow() as uow:
        assert await uow.memberships.reviewer_ids(project.id) == [ada.id]
        assert await uow.memberships.reviewer_ids(None) == [admin.id]
