"""The tracker journey through the API alone: register a manager by OTP, invite, join, assign, review, pay."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from litestar.testing import AsyncTestClient

from tests.integration.conftest import SmtpInbox, text_part


async def register_by_otp(client: AsyncTestClient[Any], smtp: SmtpInbox, email: str, path: str) -> dict[str, str]:
    assert (await client.post("/api/auth/send-otp/", json={"email": email})).status_code == 202
    code = re.search(r"\b(\d{6})\b", text_part(await smtp.wait_for(email)))
    assert code is not None
    verified = await client.post("/api/auth/verify-otp/", json={"email": email, "otp": code.group(1)})
    token = verified.json()["email_token"]
    body = {"email_token": token, "password": "manager-pass-2231", "full_name": "Maya Manager"}
    assert (await client.post(path, json=body)).status_code == 201
    login = await client.post("/api/auth/login/", json={"email": email, "password": "manager-pass-2231"})
    return {"Authorization": f"Bearer {login.json()['access']}"}


def invitation_token(smtp: SmtpInbox, address: str) -> str:
    message = smtp.to(address)[-1]
    link = re.search(r"(https?://\S+/invite_register/\?token=\S+)", text_part(message))
    assert link is not None, text_part(message)
    return parse_qs(urlparse(link.group(1)).query)["token"][0]


ALIASES = {
    "create": ("/api/projects/", "/api/projects/create/"),
    "invite": ("/api/projects/{slug}/invites/", "/api/projects/{slug}/invite/"),
    "add_task": ("/api/projects/{slug}/tasks/", "/api/projects/{slug}/tasks/add/"),
    "task_list": ("/api/projects/{slug}/tasks/", "/api/projects/{slug}/task_list/"),
}


@pytest.mark.parametrize("use_aliases", [False, True], ids=["canonical", "aliases"])
async def test_manager_invites_members_assigns_and_pays(
    client: AsyncTestClient[Any], smtp: SmtpInbox, accounts: Any, container: Any, use_aliases: bool
) -> None:
    def path(name: str, **values: str) -> str:
        return ALIASES[name][1 if use_aliases else 0].format(**values)

    manager = await register_by_otp(client, smtp, "maya@example.com", "/api/auth/register/manager/")
    existing = await accounts("member", "omar@example.com")

    created = await client.post(path("create"), json={"name": "Website relaunch"}, headers=manager)
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    assert created.json()["my_role"] == "manager"

    invited = await client.post(
        path("invite", slug=slug), json={"emails": ["nina@example.com", "omar@example.com"]}, headers=manager
    )
    assert invited.status_code == 201, invited.text
    assert [r["status"] for r in invited.json()["results"]] == [201, 201]

    await smtp.wait_for("nina@example.com")
    nina_token = invitation_token(smtp, "nina@example.com")
    info = await client.get(f"/api/invites/{nina_token}/")
    assert info.json()["project"] == slug
    assert info.json()["email"] == "nina@example.com"
    page = await client.get(f"/invite_register/?token={nina_token}")
    assert page.status_code == 200
    assert "Website relaunch" in page.text
    joined = await client.post(
        f"/api/invites/accept/{nina_token}/", json={"password": "nina-pass-88341", "full_name": "Nina N"}
    )
    assert joined.status_code == 201, joined.text
    nina = {"Authorization": f"Bearer {joined.json()['access']}"}
    again = await client.post(f"/api/invites/accept/{nina_token}/", json={"password": "x" * 12, "full_name": "N"})
    assert again.status_code == 410

    await smtp.wait_for("omar@example.com")
    omar_token = invitation_token(smtp, "omar@example.com")
    anonymous = await client.post(f"/api/invites/accept/{omar_token}/", json={"password": "p" * 12, "full_name": "O"})
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "sign_in_required"
    accepted = await client.post(f"/api/invites/accept/{omar_token}/", headers=existing.headers)
    assert accepted.status_code == 200, accepted.text

    members = await client.get(f"/api/projects/{slug}/members/", headers=manager)
    assert sorted(m["email"] for m in members.json()["items"]) == [
        "maya@example.com",
        "nina@example.com",
        "omar@example.com",
    ]

    tomorrow = (container.clock.now() + timedelta(days=1)).date().isoformat()
    body = {"name": "Draft the homepage", "points": 5, "due_date": tomorrow}
    unfunded = await client.post(path("add_task", slug=slug), json=body, headers=manager)
    assert (unfunded.status_code, unfunded.json()["code"]) == (409, "budget_exceeded")
    admin = await accounts("admin")
    funded = await client.post(
        f"/api/admin/projects/{slug}/budget/", json={"points": 5, "reason": "Relaunch"}, headers=admin.headers
    )
    assert funded.status_code == 201, funded.text
    task = await client.post(path("add_task", slug=slug), json=body, headers=manager)
    assert task.status_code == 201, task.text
    task_slug = task.json()["slug"]
    assert task.json()["project"] == slug

    me = await client.get("/api/auth/me/", headers=nina)
    assigned = await client.post(f"/api/tasks/{task_slug}/assign/", json={"user_id": me.json()["id"]}, headers=manager)
    assert assigned.status_code == 201, assigned.text
    listed = await client.get(path("task_list", slug=slug), headers=nina)
    assert [t["slug"] for t in listed.json()["items"]] == [task_slug]
    # The tracker's clients size pages with `page_size`: the alias reads it as `limit`; our own path does not.
    sized = await client.get(f"/api/projects/{slug}/task_list/?page_size=1", headers=nina)
    assert (sized.status_code, [t["slug"] for t in sized.json()["items"]]) == (200, [task_slug])
    too_big = await client.get(f"/api/projects/{slug}/task_list/?page_size=1000", headers=nina)
    assert (too_big.status_code, too_big.json()["code"]) == (400, "validation_failed")
    ours = await client.get(f"/api/projects/{slug}/tasks/?page_size=1", headers=nina)
    assert ours.status_code == 400

    assignment = assigned.json()["id"]
    submitted = await client.post(f"/api/assignments/{assignment}/submit/", json={"note": "ready"}, headers=nina)
    assert submitted.status_code == 200, submitted.text
    approved = await client.post(f"/api/assignments/{assignment}/approve/", headers=manager)
    assert approved.status_code == 200, approved.text

    wallet = await client.get("/api/wallet/", headers=nina)
    assert wallet.json()["balance"] == 5
    budget = await client.get(f"/api/projects/{slug}/budget/", headers=manager)
    assert budget.json() == {"granted": 5, "reserved": 0, "spent": 5, "available": 0}


async def test_the_edit_and_delete_aliases_answer_as_the_canonical_paths(
    client: AsyncTestClient[Any], accounts: Any
) -> None:
    manager, admin = await accounts("manager"), await accounts("admin")
    project = (await client.post("/api/projects/create/", json={"name": "Aliased"}, headers=manager.headers)).json()
    slug = project["slug"]
    assert (await client.get(f"/api/projects/{slug}/edit/", headers=manager.headers)).json() == project
    edited = await client.patch(f"/api/projects/{slug}/edit/", json={"name": "Renamed"}, headers=manager.headers)
    assert edited.status_code == 200, edited.text
    assert (await client.get(f"/api/projects/{slug}/", headers=manager.headers)).json()["name"] == "Renamed"

    task = (await client.post("/api/tasks/", json={"name": "Aliased task"}, headers=admin.headers)).json()
    assert (await client.get(f"/api/tasks/{task['slug']}/edit/", headers=admin.headers)).json() == task
    patched = await client.patch(f"/api/tasks/{task['slug']}/edit/", json={"points": 3}, headers=admin.headers)
    assert patched.json()["points"] == 3

    # Another method on an alias path is refused like a route refuses it, and changes nothing.
    for method, path in (("DELETE", f"/api/projects/{slug}/edit/"), ("PUT", f"/api/tasks/{task['slug']}/edit/")):
        refused = await client.request(method, path, headers=admin.headers)
        assert refused.status_code == 405, refused.text
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["code"] == "method_not_allowed"
    canonical = await client.put(f"/api/tasks/{task['slug']}/", headers=admin.headers)
    assert canonical.status_code == 405
    assert set(canonical.json()) == set(refused.json())

    assert (await client.delete(f"/api/tasks/{task['slug']}/delete/", headers=admin.headers)).status_code == 204
    assert (await client.get(f"/api/tasks/{task['slug']}/", headers=admin.headers)).status_code == 404
    assert (await client.delete(f"/api/projects/{slug}/delete/", headers=manager.headers)).status_code == 204
    assert (await client.get(f"/api/projects/{slug}/", headers=manager.headers)).status_code == 404


async def test_pending_invitations_are_listed_and_a_revoked_one_stops_working(
    client: AsyncTestClient[Any], smtp: SmtpInbox, accounts: Any
) -> None:
    manager, member = await accounts("manager"), await accounts("member")
    slug = (await client.post("/api/projects/", json={"name": "Invites"}, headers=manager.headers)).json()["slug"]
    sent = await client.post(
        f"/api/projects/{slug}/invites/", json={"emails": ["nina@example.com"]}, headers=manager.headers
    )
    assert sent.status_code == 201, sent.text
    [result] = sent.json()["results"]
    other = await client.post(
        f"/api/projects/{slug}/invites/", json={"emails": ["omar@example.com"]}, headers=manager.headers
    )
    [other_result] = other.json()["results"]
    # A list like every other: the {items, next_cursor} envelope, newest first, a page at a time.
    first = (await client.get(f"/api/projects/{slug}/invites/?limit=1", headers=manager.headers)).json()
    assert [(i["id"], i["email"], i["role"]) for i in first["items"]] == [
        (other_result["invitation_id"], "omar@example.com", "member")
    ]
    rest = await client.get(
        f"/api/projects/{slug}/invites/", params={"limit": 1, "cursor": first["next_cursor"]}, headers=manager.headers
    )
    assert [(i["id"], i["email"]) for i in rest.json()["items"]] == [(result["invitation_id"], "nina@example.com")]
    assert rest.json()["next_cursor"] is None
    await client.delete(f"/api/projects/{slug}/invites/{other_result['invitation_id']}/", headers=manager.headers)
    refused = await client.delete(f"/api/projects/{slug}/invites/{result['invitation_id']}/", headers=member.headers)
    assert refused.status_code == 404, refused.text  # not a member of the project: it does not exist for them
    revoked = await client.delete(f"/api/projects/{slug}/invites/{result['invitation_id']}/", headers=manager.headers)
    assert revoked.status_code == 204, revoked.text
    assert (await client.get(f"/api/projects/{slug}/invites/", headers=manager.headers)).json() == {
        "items": [],
        "next_cursor": None,
    }
    await smtp.wait_for("nina@example.com")
    token = invitation_token(smtp, "nina@example.com")
    gone = await client.post(f"/api/invites/accept/{token}/", json={"password": "nina pass 2231", "full_name": "Nina"})
    assert gone.status_code == 410, gone.text
