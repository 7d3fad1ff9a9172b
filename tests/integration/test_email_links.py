"""Every email about work links to the page where that work lives, and the recipient can open it."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from litestar.testing import AsyncTestClient

from domain.access import ProjectRole
from domain.projects import Membership
from entrypoints.bootstrap import Container
from tests.integration.admin_seed import ok, seed
from tests.integration.conftest import SmtpInbox, text_part
from tests.integration.web import signed_in

Client = AsyncTestClient[Any]
LINK = re.compile(r"https?://\S+")


async def test_the_links_in_emails_open_their_pages_for_the_recipient(
    client: Client, accounts: Any, container: Container, smtp: SmtpInbox
) -> None:
    world = await seed(client, accounts)
    async with container.uow() as work:
        project = await work.projects.get_by_slug(world.project)
        assert project is not None
        await work.memberships.add(Membership(project.id, world.member.user.id, ProjectRole.MEMBER, project.created_at))
        await work.commit()
    path = f"/api/assignments/{world.submitted}/"
    await ok(await client.post(path + "reject/", json={"feedback": "Dusty"}, headers=world.admin.headers))
    await ok(await client.post(path + "approve/", json={}, headers=world.admin.headers))
    assign = {"user_id": str(world.member.user.id)}
    await ok(
        await client.post(f"/api/tasks/{world.project_task}/assign/", json=assign, headers=world.manager.headers), 201
    )

    email = world.member.user.email
    await smtp.wait_for(email, 3)
    subjects = {str(m["Subject"]).split(":")[0] for m in smtp.to(email)}
    assert {"Not approved", "Approved"} <= subjects
    links = {link for message in smtp.to(email) for link in LINK.findall(text_part(message))}
    paths = {urlsplit(link).path + (f"?{urlsplit(link).query}" if urlsplit(link).query else "") for link in links}
    assert {f"/tasks/{world.board_task}/", f"/tasks/{world.project_task}/", "/wallet/"} <= paths
    assert "/work/?status=rejected" in paths
    member = await signed_in(client, email)
    for page in sorted(paths):
        opened = await member.get(page)
        assert opened.status_code == 200, (page, opened.status_code)
