"""Work that can no longer be finished gives its slot back and frees the member to claim again."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient


async def publish(client: AsyncTestClient[Any], admin: Any, name: str, claim_limit: int = 1) -> str:
    response = await client.post("/api/tasks/", json={"name": name, "claim_limit": claim_limit}, headers=admin.headers)
    assert response.status_code == 201, response.text
    return str(response.json()["slug"])


async def test_deleting_a_task_releases_its_claims(client: AsyncTestClient[Any], accounts: Any) -> None:
    admin, member = await accounts("admin"), await accounts("member")
    doomed, other = await publish(client, admin, "Doomed"), await publish(client, admin, "Other")
    claim = await client.post(f"/api/tasks/{doomed}/claim/", headers=member.headers)
    assert claim.status_code == 201

    assert (await client.delete(f"/api/tasks/{doomed}/", headers=admin.headers)).status_code == 204

    mine = await client.get(f"/api/assignments/{claim.json()['id']}/", headers=member.headers)
    assert mine.json()["status"] == "released"
    assert (await client.post(f"/api/tasks/{other}/claim/", headers=member.headers)).status_code == 201
    notes = await client.get("/api/notifications/", headers=member.headers)
    assert notes.json()["items"][0]["kind"] == "claim_released"


async def test_deleting_a_project_releases_the_claims_on_its_tasks(
    client: AsyncTestClient[Any], accounts: Any, container: Any
) -> None:
    admin, manager, member = await accounts("admin"), await accounts("manager"), await accounts("member")
    project = await client.post("/api/projects/", json={"name": "Short lived"}, headers=manager.headers)
    slug = project.json()["slug"]
    async with container.uow() as work:
        from domain.access import ProjectRole
        from domain.projects import Membership

        stored = await work.projects.get_by_slug(slug)
        await work.memberships.add(Membership(stored.id, member.user.id, ProjectRole.MEMBER, container.clock.now()))
        await work.commit()
    task = await client.post(f"/api/projects/{slug}/tasks/", json={"name": "Inside"}, headers=manager.headers)
    assert (await client.post(f"/api/tasks/{task.json()['slug']}/claim/", headers=member.headers)).status_code == 201

    assert (await client.delete(f"/api/projects/{slug}/", headers=manager.headers)).status_code == 204

    public = await publish(client, admin, "Public after")
    assert (await client.post(f"/api/tasks/{public}/claim/", headers=member.headers)).status_code == 201


async def test_deactivating_a_member_gives_their_slot_back(client: AsyncTestClient[Any], accounts: Any) -> None:
    admin, leaver, other = await accounts("admin"), await accounts("member"), await accounts("member")
    slug = await publish(client, admin, "Single seat")
    assert (await client.post(f"/api/tasks/{slug}/claim/", headers=leaver.headers)).status_code == 201
    assert (await client.post(f"/api/tasks/{slug}/claim/", headers=other.headers)).status_code == 409

    deactivated = await client.patch(
        f"/api/admin/users/{leaver.user.id}/", json={"is_active": False}, headers=admin.headers
    )
    assert deactivated.status_code == 200

    assert (await client.post(f"/api/tasks/{slug}/claim/", headers=other.headers)).status_code == 201


async def test_a_role_change_ends_refresh_tokens_too(client: AsyncTestClient[Any], accounts: Any) -> None:
    admin, member = await accounts("admin"), await accounts("member")
    changed = await client.patch(f"/api/admin/users/{member.user.id}/", json={"role": "manager"}, headers=admin.headers)
    assert changed.status_code == 200
    refreshed = await client.post("/api/auth/token/refresh/", json={"refresh": member.refresh})
    assert refreshed.status_code == 401
