"""The admin panel is there for admins only: everyone else, signed in or not, finds an HTML 404 page, and every
form needs its CSRF token."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.admin_seed import BUDGET, World, seed
from tests.integration.test_pages import assert_html
from tests.integration.web import Person, signed_in

Client = AsyncTestClient[Any]


def pages(world: World) -> list[str]:
    user = world.member.user.id
    return [
        "/admin/",
        "/admin/tasks/",
        "/admin/tasks/?state=open&full=false&where=board",
        f"/admin/tasks/{world.board_task}/",
        "/admin/review/",
        "/admin/users/",
        "/admin/users/?role=member&active=true",
        f"/admin/users/{user}/",
        f"/admin/users/{user}/?tab=ledger",
        f"/admin/users/{user}/?tab=audit",
        "/admin/projects/",
        f"/admin/projects/{world.project}/",
        "/admin/deliveries/",
        "/admin/audit/",
        "/admin/audit/export/",
    ]


def actions(world: World) -> dict[str, dict[str, str]]:
    user = world.member.user.id
    task = f"/admin/tasks/{world.board_task}/"
    return {
        "/admin/tasks/": {"name": "Forged task", "points": "1"},
        task: {"name": "Renamed by a forger", "points": "9"},
        f"{task}image/": {},
        f"{task}close/": {},
        f"{task}reopen/": {},
        f"{task}delete/": {},
        "/admin/review/approve/": {"assignment_id": world.submitted},
        f"/admin/review/{world.submitted}/approve/": {},
        f"/admin/review/{world.submitted}/reject/": {"feedback": "no"},
        f"/admin/users/{user}/": {"role": "admin", "is_active": "false"},
        f"/admin/users/{user}/wallet/": {"points": "100", "reason": "forged"},
        f"/admin/users/{user}/2fa/reset/": {},
        f"/admin/users/{user}/close/": {},
        f"/admin/projects/{world.project}/budget/": {"points": "1000", "reason": "forged"},
        f"/admin/deliveries/{world.submitted}/retry/": {},
    }


def route_shape(path: str) -> str:
    """A concrete path as the route template it matches: ids and slugs become placeholders."""
    path = path.partition("?")[0]
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27}(?=/)", "/{id}", path)
    return re.sub(r"^/admin/(tasks|projects)/(?!\{)[a-z0-9-]+/", r"/admin/\1/{slug}/", path)


def test_the_lists_above_cover_every_admin_route(client: Client) -> None:
    """So a handler added later without the admin check is caught by the tests below."""
    world = World(*(None,) * 3, "p", "t", "b", "00000000-0000-7000-8000-000000000000")  # type: ignore[arg-type]
    world.member = type("A", (), {"user": type("U", (), {"id": world.submitted})()})()  # type: ignore[assignment]
    covered = {route_shape(p) for p in [*pages(world), *actions(world)]}
    declared = set()
    for route in client.app.routes:
        if route.path.startswith("/admin"):
            shape = re.sub(r"\{\w+:uuid\}", "{id}", route.path)
            shape = re.sub(r"\{\w+:str\}", "{slug}", shape)
            declared.add(shape.rstrip("/") + "/")
    assert declared == {shape.rstrip("/") + "/" for shape in covered}


async def test_members_managers_and_visitors_find_nothing_there(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    visitor = Person(client)
    member = await signed_in(client, world.member.user.email)
    manager = await signed_in(client, world.manager.user.email)
    for who in (visitor, member, manager):
        for path in pages(world):
            response = await who.get(path)
            assert_html(response, 404)  # not a redirect to sign in, not a 403
            assert "Sweep the hall" not in response.text
        await who.get("/signin/")  # a CSRF token, so the forms get past the CSRF check
        for path, fields in actions(world).items():
            assert_html(await who.post(path, fields), 404)
    # Nothing changed: the task is there, open, named as before; the submission still waits; no wallet moved.
    task = await client.get(f"/api/tasks/{world.board_task}/", headers=world.member.headers)
    assert task.json()["name"] == "Sweep the hall"
    assert task.json()["is_open"] is True
    queue = await client.get("/api/assignments/review/", headers=world.admin.headers)
    assert [a["id"] for a in queue.json()["items"]] == [world.submitted]
    assert (await client.get("/api/wallet/", headers=world.member.headers)).json()["balance"] == 0
    assert (await client.get("/api/auth/me/", headers=world.member.headers)).json()["role"] == "member"
    budget = await client.get(f"/api/projects/{world.project}/budget/", headers=world.admin.headers)
    assert budget.json()["granted"] == BUDGET
    # The header links to the panel for admins only.
    assert 'href="/admin/"' not in (await manager.get("/")).text
    admin = await signed_in(client, world.admin.user.email)
    assert 'href="/admin/"' in (await admin.get("/")).text


async def test_admins_see_every_page(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    admin = await signed_in(client, world.admin.user.email)
    for path in pages(world):
        response = await admin.get(path)
        assert response.status_code == 200, (path, response.text[:1500])
    export = await admin.get("/admin/audit/export/")
    assert export.headers["content-type"].startswith("text/csv")
    dashboard = await admin.get("/admin/")
    assert "Content-Security-Policy" in dashboard.headers
    assert dashboard.headers["x-frame-options"] == "DENY"


async def test_every_admin_form_needs_its_csrf_token(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    admin = await signed_in(client, world.admin.user.email)
    for path, fields in actions(world).items():
        forged = await admin.post(path, fields, csrf=False)
        assert_html(forged, 403)
    task = await client.get(f"/api/tasks/{world.board_task}/", headers=world.admin.headers)
    assert task.json()["name"] == "Sweep the hall"
    queue = await client.get("/api/assignments/review/", headers=world.admin.headers)
    assert [a["id"] for a in queue.json()["items"]] == [world.submitted]
    assert (await client.get("/api/wallet/", headers=world.member.headers)).json()["balance"] == 0
    budget = await client.get(f"/api/projects/{world.project}/budget/", headers=world.admin.headers)
    assert budget.json()["granted"] == BUDGET


async def test_a_demoted_admin_loses_the_panel_at_once(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    other = await accounts("admin", "second@admin.test")
    person = await signed_in(client, other.user.email)
    assert (await person.get("/admin/")).status_code == 200
    demoted = await client.patch(
        f"/api/admin/users/{other.user.id}/", json={"role": "member"}, headers=world.admin.headers
    )
    assert demoted.status_code == 200
    # The role change ended the session: the panel is now a 404 like for any visitor.
    assert_html(await person.get("/admin/"), 404)
