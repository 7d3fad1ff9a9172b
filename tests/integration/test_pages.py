"""Every page answers its audience, hides what others may not see, refuses forged forms, and errs in HTML."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.bootstrap import Container
from tests.integration.conftest import Account
from tests.integration.web import Person, signed_in

Client = AsyncTestClient[Any]

MEMBER_PAGES = ["/", "/tasks/", "/work/", "/wallet/", "/notifications/", "/projects/", "/settings/", "/signout/"]
PUBLIC_PAGES = ["/", "/signin/", "/signup/"]


async def project_with_task(client: Client, admin: Account, manager: Account, name: str) -> tuple[str, str]:
    """A project whose budget the admin funded, and one task of it worth points."""
    project = await client.post("/api/projects/", json={"name": name}, headers=manager.headers)
    assert project.status_code == 201, project.text
    slug = project.json()["slug"]
    grant = {"points": 3, "reason": f"{name} budget"}
    funded = await client.post(f"/api/admin/projects/{slug}/budget/", json=grant, headers=admin.headers)
    assert funded.status_code == 201, funded.text
    task = await client.post(
        f"/api/projects/{slug}/tasks/", json={"name": f"{name} task", "points": 3}, headers=manager.headers
    )
    assert task.status_code == 201, task.text
    return slug, task.json()["slug"]


def assert_html(response: Any, status: int) -> None:
    assert response.status_code == status, (response.status_code, response.text[:500])
    assert response.headers["content-type"].startswith("text/html")


async def test_visitors_see_the_public_pages_and_are_sent_to_sign_in_elsewhere(client: Client) -> None:
    visitor = Person(client)
    for path in PUBLIC_PAGES:
        assert_html(await visitor.get(path), 200)
    for path in [*MEMBER_PAGES[1:-1], "/review/", "/projects/any/", "/tasks/any/?q=x"]:
        response = await visitor.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/signin/?next=" + quote(path, safe="/"), response.headers["location"]
    assert (await visitor.get("/signout/")).headers["location"] == "/signin/"
    # Where the sign-in page was asked for, it returns after signing in.
    assert 'name="next" value="/wallet/"' in (await visitor.get("/signin/?next=/wallet/")).text
    # No session is kept for a visitor who has nothing to keep.
    assert visitor.session is None


async def test_members_and_managers_see_their_pages(client: Client, accounts: Any) -> None:
    admin = await accounts("admin", "root@pages.test")
    manager = await accounts("manager", "maya@pages.test")
    member = await accounts("member", "nina@pages.test")
    slug, task_slug = await project_with_task(client, admin, manager, "Launch")
    invited = await client.post(
        f"/api/projects/{slug}/invites/", json={"emails": ["x@pages.test"]}, headers=manager.headers
    )
    assert invited.status_code == 201
    join = await client.post(
        f"/api/projects/{slug}/invites/", json={"emails": [member.user.email]}, headers=manager.headers
    )
    assert join.status_code == 201

    as_manager = await signed_in(client, manager.user.email)
    for path in [*MEMBER_PAGES, "/review/", f"/projects/{slug}/", f"/tasks/{task_slug}/"]:
        assert_html(await as_manager.get(path), 200)
    project_page = (await as_manager.get(f"/projects/{slug}/")).text
    for wording in ("Create task", "Invite", "Members", "x@pages.test", "Revoke", "Re-send", "Assign"):
        assert wording in project_page, wording
    assert "Create project" in (await as_manager.get("/projects/")).text
    # Nobody earns on work they review: the manager's own task is not offered to them to claim.
    task_page = (await as_manager.get(f"/tasks/{task_slug}/")).text
    assert f'action="/tasks/{task_slug}/claim/"' not in task_page
    assert "You review this task, so you may not claim it" in task_page
    assert "Launch task" not in (await as_manager.get("/tasks/")).text

    as_member = await signed_in(client, member.user.email)
    for path in MEMBER_PAGES:
        page = await as_member.get(path)
        assert_html(page, 200)
        assert 'href="/review/"' not in page.text  # no review link for someone who reviews nothing
    assert "Create project" not in (await as_member.get("/projects/")).text
    # Not yet a member of the project: its page and its task are not found.
    assert_html(await as_member.get(f"/projects/{slug}/"), 404)
    assert_html(await as_member.get(f"/tasks/{task_slug}/"), 404)
    assert_html(await as_member.get("/review/"), 403)


async def test_another_projects_pages_are_not_found(client: Client, accounts: Any, container: Container) -> None:
    admin = await accounts("admin", "root@pages.test")
    owner = await accounts("manager", "own@pages.test")
    stranger = await accounts("manager", "other@pages.test")
    slug, task_slug = await project_with_task(client, admin, owner, "Secret plan")
    as_stranger = await signed_in(client, stranger.user.email)
    for path in (f"/projects/{slug}/", f"/tasks/{task_slug}/"):
        page = await as_stranger.get(path)
        assert_html(page, 404)
        assert "Secret plan" not in page.text
    # The forms refuse alike, and change nothing.
    await as_stranger.get("/tasks/")
    refused = await as_stranger.post(f"/projects/{slug}/invites/", {"emails": "spy@pages.test", "role": "member"})
    assert refused.status_code == 303
    assert "not found" in (await as_stranger.follow(refused)).text.lower()
    pending = await client.get(f"/api/projects/{slug}/invites/", headers=owner.headers)
    assert pending.json()["items"] == []


async def test_a_form_without_its_csrf_token_is_refused_with_a_page(client: Client, accounts: Any) -> None:
    member = await accounts("member", "csrf@pages.test")
    person = await signed_in(client, member.user.email)
    for path, fields in (
        ("/signin/", {"email": member.user.email, "password": "whatever-1234"}),
        ("/signout/", {}),
        ("/wallet/redeem/", {"points": "1", "idempotency_key": "k1"}),
    ):
        forged = await person.post(path, fields, csrf=False)
        assert_html(forged, 403)
        assert "Forbidden" in forged.text
    # The forged sign-out did nothing: still signed in.
    assert_html(await person.get("/wallet/"), 200)


async def test_errors_are_pages_where_people_navigate_and_problems_for_the_api(
    client: Client, accounts: Any, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert_html(await client.get("/no/such/page/"), 404)
    api = await client.get("/api/no/such/path/")
    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert (
        (await client.get("/health/ready", headers={"accept": "application/json"}))
        .headers["content-type"]
        .startswith("application/json")
    )

    member = await accounts("member", "boom@pages.test")
    person = await signed_in(client, member.user.email)

    async def broken(*_: Any, **__: Any) -> int:
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr(container.queries.notifications, "unread_count", broken)
    page = await person.get("/wallet/")
    assert_html(page, 500)
    assert "fire" not in page.text
    api = await client.get("/api/notifications/unread-count/", headers=member.headers)
    assert api.status_code == 500
    assert api.headers["content-type"] == "application/problem+json"


async def test_pages_send_a_content_security_policy(client: Client) -> None:
    response = await client.get("/signin/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    for asset in (
        "/static/vendor/htmx-2.0.11.min.js",
        "/static/vendor/pico-2.1.1.classless.min.css",
        "/static/app.css",
    ):
        assert asset in response.text
        assert (await client.get(asset)).status_code == 200
