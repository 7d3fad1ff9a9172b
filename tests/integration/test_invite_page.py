"""The page the invitation email links to: one CSRF-protected form to register or sign in, and join."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.conftest import PASSWORD, SmtpInbox
from tests.integration.test_tracker_flow import invitation_token


async def invite(client: AsyncTestClient[Any], smtp: SmtpInbox, manager: Any, slug: str, email: str) -> str:
    sent = await client.post(f"/api/projects/{slug}/invites/", json={"emails": [email]}, headers=manager.headers)
    assert sent.status_code == 201, sent.text
    await smtp.wait_for(email)
    return invitation_token(smtp, email)


async def submit_form(client: AsyncTestClient[Any], token: str, **fields: str) -> Any:
    page = await client.get(f"/invite_register/?token={token}")
    assert page.status_code == 200
    csrf = re.search(r'name="_csrf_token" value="([^"]+)"', page.text)
    assert csrf is not None, page.text
    return await client.post("/invite_register/", data={"_csrf_token": csrf.group(1), "token": token, **fields})


async def members_of(client: AsyncTestClient[Any], manager: Any, slug: str) -> list[str]:
    listed = await client.get(f"/api/projects/{slug}/members/", headers=manager.headers)
    return sorted(m["email"] for m in listed.json()["items"])


async def test_newcomers_register_and_accounts_sign_in_through_the_page(
    client: AsyncTestClient[Any], smtp: SmtpInbox, accounts: Any
) -> None:
    manager = await accounts("manager", "maya@page.test")
    existing = await accounts("member", "omar@page.test")
    slug = (await client.post("/api/projects/", json={"name": "Page project"}, headers=manager.headers)).json()["slug"]

    newcomer_token = await invite(client, smtp, manager, slug, "nina@page.test")
    joined = await submit_form(client, newcomer_token, full_name="Nina N", password="nina-page-pass-7")
    assert joined.status_code == 200, joined.text
    assert "Welcome to Page project" in joined.text

    member_token = await invite(client, smtp, manager, slug, existing.user.email)
    wrong = await submit_form(client, member_token, password="not-the-password")
    assert wrong.status_code == 401
    assert existing.user.email not in await members_of(client, manager, slug)
    right = await submit_form(client, member_token, password=PASSWORD)
    assert right.status_code == 200, right.text

    assert await members_of(client, manager, slug) == ["maya@page.test", "nina@page.test", "omar@page.test"]
    spent = await client.get(f"/invite_register/?token={newcomer_token}")
    assert spent.status_code == 410


async def test_the_form_needs_its_csrf_token(client: AsyncTestClient[Any], smtp: SmtpInbox, accounts: Any) -> None:
    manager = await accounts("manager", "maya@csrf.test")
    slug = (await client.post("/api/projects/", json={"name": "Csrf project"}, headers=manager.headers)).json()["slug"]
    token = await invite(client, smtp, manager, slug, "nina@csrf.test")
    forged = await client.post(
        "/invite_register/", data={"token": token, "full_name": "Nina", "password": "nina-page-pass-7"}
    )
    assert forged.status_code == 403
    assert await members_of(client, manager, slug) == ["maya@csrf.test"]
