"""A small world for the admin panel's tests: an admin, a manager with a project, members with work submitted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.testing import AsyncTestClient

from tests.integration.conftest import Account

Client = AsyncTestClient[Any]
BUDGET = 10  # what the admin funds the project with: its task reserves 3 of it


@dataclass
class World:
    admin: Account
    manager: Account
    member: Account
    project: str  # slug
    project_task: str  # slug
    board_task: str  # slug, on the public board
    submitted: str  # the member's submitted assignment on the board task


async def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text[:800])
    return response.json() if response.content else None


async def claim_and_submit(client: Client, who: Account, task: str, note: str = "done") -> str:
    claimed = await ok(await client.post(f"/api/tasks/{task}/claim/", headers=who.headers), 201)
    await ok(await client.post(f"/api/assignments/{claimed['id']}/submit/", json={"note": note}, headers=who.headers))
    return str(claimed["id"])


async def seed(client: Client, accounts: Any) -> World:
    admin = await accounts("admin", "root@admin.test")
    manager = await accounts("manager", "maya@admin.test")
    member = await accounts("member", "nina@admin.test")
    project = await ok(await client.post("/api/projects/", json={"name": "Garden"}, headers=manager.headers), 201)
    grant = {"points": BUDGET, "reason": "Garden budget"}
    funded = await client.post(f"/api/admin/projects/{project['slug']}/budget/", json=grant, headers=admin.headers)
    await ok(funded, 201)
    task = await client.post(
        f"/api/projects/{project['slug']}/tasks/",
        json={"name": "Water the roses", "points": 3},
        headers=manager.headers,
    )
    project_task = await ok(task, 201)
    board = await client.post("/api/tasks/", json={"name": "Sweep the hall", "points": 5}, headers=admin.headers)
    board_task = await ok(board, 201)
    submitted = await claim_and_submit(client, member, board_task["slug"], note="All swept.")
    return World(admin, manager, member, project["slug"], project_task["slug"], board_task["slug"], submitted)
