"""Project and invitation rules through the use cases: slugs, the last manager, tokens and their states."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from application.invitations import Invite, invite, revoke_invitation
from application.joining import Accept, accept_invitation
from application.projects import CreateProject, create_project, remove_member
from domain.access import ProjectRole
from domain.errors import InvitationGone, InvitationNotFound, LastManager, PermissionDenied
from domain.invitations import INVITATION_LIFETIME
from domain.users import Role
from tests.fakes.helpers import fake_clock, fake_mailer, fake_store, seed_user
from tests.fakes.services import fake_identity


async def test_a_project_never_takes_an_alias_path_as_its_slug() -> None:
    deps = fake_identity()
    manager = await seed_user(deps, role=Role.MANAGER)
    project = await create_project(CreateProject("Create"), manager, deps.uow, deps.clock)
    assert project.slug.startswith("create-")
    assert project.slug != "create"


async def test_same_names_get_distinct_slugs() -> None:
    deps = fake_identity()
    manager = await seed_user(deps, role=Role.MANAGER)
    first = await create_project(CreateProject("Website Relaunch!"), manager, deps.uow, deps.clock)
    second = await create_project(CreateProject("Website relaunch"), manager, deps.uow, deps.clock)
    assert first.slug == "website-relaunch"
    assert second.slug.startswith("website-relaunch-")


async def test_members_do_not_create_projects_and_the_last_manager_stays() -> None:
    deps = fake_identity()
    member = await seed_user(deps, "m@example.com")
    with pytest.raises(PermissionDenied):
        await create_project(CreateProject("Nope"), member, deps.uow, deps.clock)
    manager = await seed_user(deps, "boss@example.com", role=Role.MANAGER)
    project = await create_project(CreateProject("Kept"), manager, deps.uow, deps.clock)
    with pytest.raises(LastManager):
        await remove_member(project.slug, manager.id, manager, deps.uow, deps.clock)


async def invited(deps: Any, email: str) -> tuple[Any, str]:
    """A manager's project with `email` invited; returns the project and the token from the emailed link."""
    manager = await seed_user(deps, "boss@example.com", role=Role.MANAGER)
    project = await create_project(CreateProject("Site"), manager, deps.uow, deps.clock)
    await invite(Invite(project.slug, [email]), manager, deps.uow, deps.clock)
    link = str(fake_mailer(deps).last_to(email).context["link"])
    return project, link.split("token=", 1)[1]


async def test_an_invitation_works_until_48_hours_and_not_a_second_later() -> None:
    for elapsed, works in ((INVITATION_LIFETIME - timedelta(seconds=1), True), (INVITATION_LIFETIME, False)):
        deps = fake_identity()
        project, token = await invited(deps, "nina@example.com")
        fake_clock(deps).advance(elapsed)
        accept = Accept(token, password="nina-pass-2231", full_name="Nina")
        if works:
            accepted = await accept_invitation(accept, deps)
            assert accepted.project == project.slug
            assert accepted.role is ProjectRole.MEMBER
        else:
            with pytest.raises(InvitationGone):
                await accept_invitation(accept, deps)


async def test_a_token_works_once_and_a_revoked_one_never() -> None:
    deps = fake_identity()
    project, token = await invited(deps, "nina@example.com")
    await accept_invitation(Accept(token, password="nina-pass-2231", full_name="Nina"), deps)
    with pytest.raises(InvitationGone):
        await accept_invitation(Accept(token, password="nina-pass-2231", full_name="Nina"), deps)

    manager = next(u for u in fake_store(deps).users.values() if u.email == "boss@example.com")
    await invite(Invite(project.slug, ["omar@example.com"]), manager, deps.uow, deps.clock)
    [pending] = [i for i in fake_store(deps).invitations.values() if i.email == "omar@example.com"]
    await revoke_invitation(project.slug, pending.id, manager, deps.uow, deps.clock)
    omar_token = str(fake_mailer(deps).last_to("omar@example.com").context["link"]).split("token=", 1)[1]
    with pytest.raises(InvitationGone):
        await accept_invitation(Accept(omar_token, password="omar-pass-2231", full_name="Omar"), deps)


async def test_reinviting_replaces_the_token_and_members_are_not_invited() -> None:
    deps = fake_identity()
    project, old_token = await invited(deps, "nina@example.com")
    manager = next(u for u in fake_store(deps).users.values() if u.email == "boss@example.com")
    renewal = await invite(Invite(project.slug, ["nina@example.com"]), manager, deps.uow, deps.clock)
    [again] = renewal.results
    assert (again.outcome, again.status, renewal.status) == ("renewed", 201, 201)
    with pytest.raises(InvitationNotFound):
        await accept_invitation(Accept(old_token, password="nina-pass-2231", full_name="Nina"), deps)
    refused = await invite(Invite(project.slug, ["boss@example.com"]), manager, deps.uow, deps.clock)
    [member] = refused.results
    assert (member.outcome, member.status, refused.status) == ("already_member", 409, 409)
