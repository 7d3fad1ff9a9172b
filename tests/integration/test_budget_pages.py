"""Budgets on the pages: admins grant points in the panel (in sudo mode), a project's managers see its budget
and its transfers on the project's page, and a task the budget cannot cover is refused on the form."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from domain.access import ProjectRole
from domain.projects import Membership
from entrypoints.bootstrap import Container
from tests.integration.admin_seed import BUDGET, World, ok, seed
from tests.integration.conftest import PASSWORD
from tests.integration.test_pages import assert_html
from tests.integration.web import Person, csrf_token, signed_in

Client = AsyncTestClient[Any]


def figures(html: str) -> dict[str, int]:
    found = re.findall(r'id="budget-(granted|reserved|spent|available)">(-?\d+)</p>', html)
    return {name: int(value) for name, value in found}


async def budget(client: Client, world: World) -> dict[str, int]:
    answer = await client.get(f"/api/projects/{world.project}/budget/", headers=world.admin.headers)
    return dict(await ok(answer))


async def join(container: Container, slug: str, user_id: Any) -> None:
    async with container.uow() as work:
        project = await work.projects.get_by_slug(slug)
        assert project is not None
        await work.memberships.add(Membership(project.id, user_id, ProjectRole.MEMBER, container.clock.now()))
        await work.commit()


async def test_an_admin_grants_points_in_sudo_mode_and_takes_back_only_what_is_free(
    client: Client, accounts: Any
) -> None:
    world = await seed(client, accounts)
    admin = await signed_in(client, world.admin.user.email)
    here = f"/admin/projects/{world.project}/"
    shown = await admin.get(here)
    assert figures(shown.text) == {"granted": BUDGET, "reserved": 3, "spent": 0, "available": BUDGET - 3}
    assert "Garden budget" in shown.text
    assert "Reserved for “Water the roses”" in shown.text

    asked = await admin.post(here + "budget/", {"points": "50", "reason": "Spring <planting>"})
    assert_html(asked, 200)
    assert "Confirm your password" in asked.text
    assert "<strong>grant this project 50 points</strong>" in asked.text
    assert (await budget(client, world))["granted"] == BUDGET  # nothing moved before the password

    admin.token = csrf_token(asked.text)
    granted = await admin.post(here + "budget/", {"points": "50", "reason": "Spring", "sudo_password": PASSWORD})
    assert granted.status_code == 303
    page = await admin.follow(granted)
    assert "Granted 50 points; 57 of the budget are available." in page.text
    assert figures(page.text) == {"granted": BUDGET + 50, "reserved": 3, "spent": 0, "available": 57}
    assert await budget(client, world) == {"granted": 60, "reserved": 3, "spent": 0, "available": 57}

    # Still in sudo mode: taking back more than is free (reserved points are the tasks') is refused, plainly.
    greedy = await admin.post(here + "budget/", {"points": "-58", "reason": "Too much"})
    assert "The budget does not hold enough points for this." in (await admin.follow(greedy)).text
    back = await admin.post(here + "budget/", {"points": "-57", "reason": "Season over"})
    assert "Took back 57 points; 0 of the budget are available." in (await admin.follow(back)).text
    assert await budget(client, world) == {"granted": 3, "reserved": 3, "spent": 0, "available": 0}
    nothing = await admin.post(here + "budget/", {"points": "0", "reason": "Zero"})
    assert "non-zero amount" in (await admin.follow(nothing)).text


async def test_managers_see_the_budget_members_and_outsiders_do_not(
    client: Client, accounts: Any, container: Container
) -> None:
    world = await seed(client, accounts)
    await join(container, world.project, world.member.user.id)
    here = f"/projects/{world.project}/"
    manager = await signed_in(client, world.manager.user.email)
    shown = await manager.get(here)
    assert_html(shown, 200)
    assert figures(shown.text) == {"granted": BUDGET, "reserved": 3, "spent": 0, "available": BUDGET - 3}
    assert 'id="budget-transfers"' in shown.text
    assert "Garden budget" in shown.text
    assert "/admin/projects/" not in shown.text  # the link to grant is for admins
    admin = await signed_in(client, world.admin.user.email)
    assert f'href="/admin/projects/{world.project}/"' in (await admin.get(here)).text

    member = await signed_in(client, world.member.user.email)
    as_member = await member.get(here)
    assert_html(as_member, 200)
    assert "budget-granted" not in as_member.text
    assert "Garden budget" not in as_member.text
    outsider = await signed_in(client, (await accounts("manager", "otto@admin.test")).user.email)
    assert_html(await outsider.get(here), 404)
    visitor = await Person(client).get(here)
    assert visitor.status_code in (302, 303)
    assert visitor.headers["location"].startswith("/signin/")


async def test_the_budget_transfers_page_by_page(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    for n in range(21):  # with the seed's grant and reserve, 23 transfers: two pages of 20
        grant = {"points": 1, "reason": f"Top-up {n}"}
        await ok(
            await client.post(f"/api/admin/projects/{world.project}/budget/", json=grant, headers=world.admin.headers),
            201,
        )
    manager = await signed_in(client, world.manager.user.email)
    first = await manager.get(f"/projects/{world.project}/")
    assert "Top-up 20" in first.text
    assert "Garden budget" not in first.text
    link = re.search(r'href="\?([^"#]*budget_cursor=[^"#]+)#budget-title" rel="next"', first.text)
    assert link is not None
    second = await manager.get(f"/projects/{world.project}/?" + link.group(1).replace("&amp;", "&"))
    assert_html(second, 200)
    assert "Garden budget" in second.text
    assert "Top-up 20" not in second.text
    assert "Back to the newest" in second.text
    assert_html(await manager.get(f"/projects/{world.project}/?budget_cursor=" + "x" * 201), 400)


async def test_a_task_the_budget_cannot_cover_is_refused_on_the_form(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    manager = await signed_in(client, world.manager.user.email)
    here = f"/projects/{world.project}/"
    await manager.get(here)
    fields = {"name": "Build a greenhouse", "points": "4", "claim_limit": "2", "description": "Glass and wood"}
    refused = await manager.post(here + "tasks/", fields)
    assert_html(refused, 409)
    assert "The budget does not hold enough points for this." in refused.text
    assert 'value="Build a greenhouse"' in refused.text  # the form keeps what was typed
    assert figures(refused.text)["available"] == BUDGET - 3
    listed = await client.get(f"/api/projects/{world.project}/tasks/", headers=world.manager.headers)
    assert [t["name"] for t in (await ok(listed))["items"]] == ["Water the roses"]  # nothing created
    assert (await budget(client, world))["reserved"] == 3

    manager.token = csrf_token(refused.text)
    fits = await manager.post(here + "tasks/", {**fields, "points": "3"})
    assert fits.status_code == 303
    page = await manager.follow(fits)
    assert "Task “Build a greenhouse” created." in page.text
    assert figures(page.text) == {"granted": BUDGET, "reserved": 9, "spent": 0, "available": 1}


async def test_only_managers_create_tasks_from_the_page(client: Client, accounts: Any, container: Container) -> None:
    world = await seed(client, accounts)
    await join(container, world.project, world.member.user.id)
    fields = {"name": "Sneaky task", "points": "1"}
    member = await signed_in(client, world.member.user.email)
    await member.get(f"/projects/{world.project}/")
    forbidden = await member.post(f"/projects/{world.project}/tasks/", fields)
    assert_html(forbidden, 403)
    assert "Only a manager of this project may do this." in forbidden.text
    outsider = await signed_in(client, (await accounts("manager", "otto@admin.test")).user.email)
    await outsider.get("/projects/")
    assert_html(await outsider.post(f"/projects/{world.project}/tasks/", fields), 404)
    manager = await signed_in(client, world.manager.user.email)
    await manager.get(f"/projects/{world.project}/")
    assert_html(await manager.post(f"/projects/{world.project}/tasks/", fields, csrf=False), 403)
    listed = await client.get(f"/api/projects/{world.project}/tasks/", headers=world.manager.headers)
    assert [t["name"] for t in (await ok(listed))["items"]] == ["Water the roses"]
    assert (await budget(client, world))["reserved"] == 3
