"""Separation of duties and review history on the pages: a task's reviewers are offered no "Claim", approving
work one could review is refused with a plain message, and an overturned rejection stays in the history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.testing import AsyncTestClient

from domain.access import ProjectRole
from domain.projects import Membership
from entrypoints.bootstrap import Container
from tests.integration.admin_seed import World, claim_and_submit, ok, seed
from tests.integration.test_pages import assert_html
from tests.integration.web import signed_in

Client = AsyncTestClient[Any]
CLAIM = '<button type="submit">Claim'


async def set_role(container: Container, slug: str, user_id: Any, role: ProjectRole) -> None:
    async with container.uow() as work:
        project = await work.projects.get_by_slug(slug)
        assert project is not None
        await work.memberships.remove(project.id, user_id)
        await work.memberships.add(Membership(project.id, user_id, role, container.clock.now()))
        await work.commit()


async def test_reviewers_are_offered_no_claim(client: Client, accounts: Any, container: Container) -> None:
    world = await seed(client, accounts)
    other = await accounts("member", "omar@admin.test")
    await set_role(container, world.project, other.user.id, ProjectRole.MEMBER)
    task = f"/tasks/{world.project_task}/"
    member = await signed_in(client, other.user.email)
    assert CLAIM in (await member.get(task)).text
    assert "Water the roses" in (await member.get("/tasks/")).text

    for reviewer in (world.manager, world.admin):
        person = await signed_in(client, reviewer.user.email)
        page = await person.get(task)
        assert_html(page, 200)
        assert CLAIM not in page.text
        assert "You review this task, so you may not claim it" in page.text
        assert "Water the roses" not in (await person.get("/tasks/")).text
    admin = await signed_in(client, world.admin.user.email)
    board = await admin.get(f"/tasks/{world.board_task}/")
    assert CLAIM not in board.text  # admins review the public board
    refused = await admin.post(f"/tasks/{world.project_task}/claim/", {"back": task})
    assert "A reviewer of this task cannot earn its points" in (await admin.follow(refused)).text


async def test_approving_work_one_could_review_is_refused_plainly(
    client: Client, accounts: Any, container: Container
) -> None:
    world = await seed(client, accounts)
    await set_role(container, world.project, world.member.user.id, ProjectRole.MEMBER)
    submitted = await claim_and_submit(client, world.member, world.project_task, note="Roses watered")
    # Promoted after submitting: the member now reviews the task, so nobody may pay them for it.
    await set_role(container, world.project, world.member.user.id, ProjectRole.MANAGER)

    member = await signed_in(client, world.member.user.email)
    await member.get("/review/")
    own = await member.post(f"/review/{submitted}/approve/", {"feedback": ""})
    assert "Nobody reviews their own submission." in (await member.follow(own)).text

    manager = await signed_in(client, world.manager.user.email)
    queue = await manager.get("/review/")
    assert "Roses watered" in queue.text
    theirs = await manager.post(f"/review/{submitted}/approve/", {"feedback": "Nice"})
    assert "A reviewer of this task cannot earn its points" in (await manager.follow(theirs)).text

    admin = await signed_in(client, world.admin.user.email)
    await admin.get("/admin/review/")
    one = await admin.post(f"/admin/review/{submitted}/approve/", {})
    assert "A reviewer of this task cannot earn its points" in (await admin.follow(one)).text
    many = await admin.post("/admin/review/approve/", {"assignment_id": [submitted, world.submitted]})
    page = (await admin.follow(many)).text
    assert "Not approved: “Water the roses” by" in page
    assert "Approved: “Sweep the hall” by" in page
    status = await client.get(f"/api/assignments/{submitted}/", headers=world.member.headers)
    assert (await ok(status))["status"] == "submitted"  # still waiting; no points paid
    wallet = await client.get("/api/wallet/", headers=world.member.headers)
    assert (await ok(wallet))["balance"] == 5  # the board task only


async def overturned(client: Client, world: World) -> None:
    rejected = {"feedback": "A corner is still dusty"}
    path = f"/api/assignments/{world.submitted}/"
    await ok(await client.post(path + "reject/", json=rejected, headers=world.admin.headers))
    await ok(await client.post(path + "approve/", json={"feedback": "Fine after all"}, headers=world.admin.headers))


async def test_an_overturned_rejection_stays_in_the_history_on_every_page(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    await overturned(client, world)
    member = await signed_in(client, world.member.user.email)
    page = (await member.get("/work/")).text
    work = page[page.index('<ol class="history"') :]
    rejected_at = work.index("Rejected</span>")
    approved_at = work.index("Approved</span>")
    assert rejected_at < approved_at  # oldest first
    assert "by Root" in work
    assert "“A corner is still dusty”" in work
    assert "“Fine after all”" in work

    admin = await signed_in(client, world.admin.user.email)
    for path in (f"/admin/tasks/{world.board_task}/", f"/admin/users/{world.member.user.id}/"):
        page = (await admin.get(path)).text
        assert "“A corner is still dusty”" in page, path
        assert "“Fine after all”" in page, path


async def test_pages_show_overdue_as_soon_as_the_due_date_has_passed(
    client: Client, accounts: Any, container: Container
) -> None:
    """No nightly job has run: every page derives `is_overdue` from today's date in TIME_ZONE."""
    world = await seed(client, accounts)
    yesterday = (container.clock.today() - timedelta(days=1)).isoformat()
    late = {"name": "Prune the hedge", "due_date": yesterday}
    created = await client.post(f"/api/projects/{world.project}/tasks/", json=late, headers=world.manager.headers)
    slug = (await ok(created, 201))["slug"]
    project = {"due_date": yesterday}
    await ok(await client.patch(f"/api/projects/{world.project}/", json=project, headers=world.manager.headers))
    manager = await signed_in(client, world.manager.user.email)
    assert "Due " + yesterday + " (overdue)" in (await manager.get(f"/tasks/{slug}/")).text
    filtered = (await manager.get(f"/projects/{world.project}/?overdue=true")).text
    assert "Prune the hedge" in filtered
    assert "<strong>Water the roses</strong>" not in filtered
    assert '<strong class="overdue">(overdue)</strong>' in filtered  # the project itself
    assert "(overdue)" in (await manager.get("/projects/")).text
    admin = await signed_in(client, world.admin.user.email)
    assert 'id="overdue-projects">1</p>' in (await admin.get("/admin/")).text
    assert "Garden" in (await admin.get("/admin/projects/?overdue=true")).text


async def test_an_admin_overturns_a_rejection_from_the_tasks_page(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    rejected = {"feedback": "A corner is still dusty"}
    await ok(
        await client.post(f"/api/assignments/{world.submitted}/reject/", json=rejected, headers=world.admin.headers)
    )
    admin = await signed_in(client, world.admin.user.email)
    here = f"/admin/tasks/{world.board_task}/"
    assert "Approve after all" in (await admin.get(here)).text
    overturned = await admin.post(f"/admin/review/{world.submitted}/approve/", {"back": here})
    assert overturned.headers["location"] == here
    page = (await admin.follow(overturned)).text
    assert "Approved: the points are credited." in page
    assert "“A corner is still dusty”" in page  # the rejection stays in the history
    assert "Approve after all" not in page
    wallet = await client.get("/api/wallet/", headers=world.member.headers)
    assert (await ok(wallet))["balance"] == 5
    elsewhere = await admin.post(f"/admin/review/{world.submitted}/approve/", {"back": "https://evil.example/"})
    assert elsewhere.headers["location"] == "/admin/review/"  # only a path on this site
