"""Budgets, escrows and the review history through the HTTP API, on SQLite and PostgreSQL: every status each
new operation answers, the schema that documents them, and the ledger check with its gauge."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import update

from adapters.db.tables import ledger_accounts
from domain.access import ProjectRole
from domain.ledger import wallet_of
from domain.projects import Membership
from entrypoints.bootstrap import Container
from tests.integration.conftest import METRICS, Account, quick_accounts
from tests.integration.test_authorization import assert_problem

Client = AsyncTestClient[Any]


@dataclass
class Shop:
    admin: Account
    manager: Account
    member: Account
    outsider: Account
    slug: str

    def fund(self, client: Client, points: int, who: Account | None = None, **body: Any) -> Any:
        payload = {"points": points, "reason": "Quarterly budget", **body}
        return client.post(
            f"/api/admin/projects/{self.slug}/budget/", json=payload, headers=(who or self.admin).headers
        )


@pytest.fixture
async def shop(client: Client, container: Container) -> Shop:
    (admin,), (manager,) = await quick_accounts(container, "admin", 1), await quick_accounts(container, "manager", 1)
    member, outsider = await quick_accounts(container, "member", 2)
    project = await client.post("/api/projects/", json={"name": "Website"}, headers=manager.headers)
    slug = project.json()["slug"]
    async with container.uow() as work:
        found = await work.projects.get_by_slug(slug)
        assert found is not None
        await work.memberships.add(Membership(found.id, member.user.id, ProjectRole.MEMBER, container.clock.now()))
        await work.commit()
    return Shop(admin, manager, member, outsider, slug)


async def test_only_admins_fund_a_budget_and_every_refusal_is_a_problem(client: Client, shop: Shop) -> None:
    assert_problem(
        await client.post(f"/api/admin/projects/{shop.slug}/budget/", json={"points": 5, "reason": "x"}), 401
    )
    for someone in (shop.manager, shop.member, shop.outsider):
        assert_problem(await shop.fund(client, 1_000, someone), 403, "permission_denied")
    unknown = await client.post(
        "/api/admin/projects/no-such-project/budget/", json={"points": 5, "reason": "x"}, headers=shop.admin.headers
    )
    assert_problem(unknown, 404, "project_not_found")
    bodies: list[dict[str, Any]] = [
        {"points": 0, "reason": "nothing"},
        {"points": 5, "reason": ""},
        {"points": 10**12, "reason": "too much"},
        {"points": 5, "reason": "x", "extra": 1},
        {"points": 5},
    ]
    for body in bodies:
        response = await client.post(f"/api/admin/projects/{shop.slug}/budget/", json=body, headers=shop.admin.headers)
        assert_problem(response, 400)

    funded = await shop.fund(client, 120)
    assert funded.status_code == 201, funded.text
    assert funded.json() == {"granted": 120, "reserved": 0, "spent": 0, "available": 120}
    task = await client.post(
        f"/api/projects/{shop.slug}/tasks/",
        json={"name": "Hero", "points": 50, "claim_limit": 2},
        headers=shop.manager.headers,
    )
    assert task.status_code == 201, task.text
    assert_problem(await shop.fund(client, -21), 409, "budget_exceeded")  # 100 are reserved: 20 are its own
    back = await shop.fund(client, -20, reason="Unused")
    assert back.json() == {"granted": 100, "reserved": 100, "spent": 0, "available": 0}


async def test_the_budget_is_for_its_managers_and_admins_with_its_transfers_in_pages(
    client: Client, shop: Shop
) -> None:
    path = f"/api/projects/{shop.slug}/budget/"
    assert_problem(await client.get(path), 401)
    assert_problem(await client.get(path, headers=shop.member.headers), 403, "permission_denied")
    assert_problem(await client.get(path, headers=shop.outsider.headers), 404, "project_not_found")
    assert_problem(await client.get(f"{path}transfers/", headers=shop.member.headers), 403)
    assert_problem(await client.get(f"{path}transfers/", headers=shop.outsider.headers), 404)

    await shop.fund(client, 30)
    task = (
        await client.post(
            f"/api/projects/{shop.slug}/tasks/", json={"name": "Copy", "points": 10}, headers=shop.manager.headers
        )
    ).json()
    await client.patch(f"/api/tasks/{task['slug']}/", json={"points": 4}, headers=shop.manager.headers)
    for who in (shop.manager, shop.admin):
        budget = await client.get(path, headers=who.headers)
        assert budget.json() == {"granted": 30, "reserved": 4, "spent": 0, "available": 26}

    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = await client.get(f"{path}transfers/", params=params, headers=shop.manager.headers)
        assert page.status_code == 200, page.text
        assert set(page.json()) == {"items", "next_cursor"}
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert [(t["kind"], t["points"]) for t in seen] == [("return", 6), ("reserve", -10), ("funding", 30)]
    assert seen[2]["actor_id"] == str(shop.admin.user.id)
    assert seen[0]["reference"] == f"task:{task['slug']}"
    assert_problem(await client.get(f"{path}transfers/", params={"cursor": "nope"}, headers=shop.manager.headers), 400)


async def test_publishing_or_raising_beyond_the_budget_is_409_and_changes_nothing(client: Client, shop: Shop) -> None:
    tasks = f"/api/projects/{shop.slug}/tasks/"
    too_much = await client.post(
        tasks, json={"name": "Big", "points": 5, "claim_limit": 3}, headers=shop.manager.headers
    )
    assert_problem(too_much, 409, "budget_exceeded")
    assert (await client.get(tasks, headers=shop.manager.headers)).json()["items"] == []
    free = await client.post(tasks, json={"name": "Free", "points": 0, "claim_limit": 3}, headers=shop.manager.headers)
    assert free.status_code == 201, "a task worth nothing needs no budget"

    await shop.fund(client, 10)
    slug = (await client.post(tasks, json={"name": "Small", "points": 5}, headers=shop.manager.headers)).json()["slug"]
    raised = await client.patch(f"/api/tasks/{slug}/", json={"claim_limit": 3}, headers=shop.manager.headers)
    assert_problem(raised, 409, "budget_exceeded")
    assert (await client.get(f"/api/tasks/{slug}/", headers=shop.manager.headers)).json()["claim_limit"] == 1
    closed = await client.patch(f"/api/tasks/{slug}/", json={"is_open": False}, headers=shop.manager.headers)
    assert closed.status_code == 200
    budget = await client.get(f"/api/projects/{shop.slug}/budget/", headers=shop.manager.headers)
    assert budget.json() == {"granted": 10, "reserved": 0, "spent": 0, "available": 10}


async def test_a_reviewer_cannot_claim_or_be_assigned_work_they_review(client: Client, shop: Shop) -> None:
    await shop.fund(client, 10)
    slug = (
        await client.post(
            f"/api/projects/{shop.slug}/tasks/", json={"name": "Mine?", "points": 5}, headers=shop.manager.headers
        )
    ).json()["slug"]
    assert_problem(
        await client.post(f"/api/tasks/{slug}/claim/", headers=shop.manager.headers), 409, "reviewer_cannot_earn"
    )
    assert_problem(
        await client.post(f"/api/tasks/{slug}/claim/", headers=shop.admin.headers), 409, "reviewer_cannot_earn"
    )
    for reviewer in (shop.manager, shop.admin):
        body = {"user_id": str(reviewer.user.id)}
        assigned = await client.post(f"/api/tasks/{slug}/assign/", json=body, headers=shop.manager.headers)
        assert_problem(assigned, 409, "reviewer_cannot_earn")
    board = await client.get("/api/tasks/", headers=shop.manager.headers)
    assert slug not in [t["slug"] for t in board.json()["items"]], "what one reviews is not offered to claim"
    assert (await client.post(f"/api/tasks/{slug}/claim/", headers=shop.member.headers)).status_code == 201


async def test_the_assignment_keeps_every_review_in_its_history(client: Client, shop: Shop) -> None:
    admin, member = shop.admin, shop.member
    slug = (await client.post("/api/tasks/", json={"name": "Proofread", "points": 3}, headers=admin.headers)).json()[
        "slug"
    ]
    assignment = (await client.post(f"/api/tasks/{slug}/claim/", headers=member.headers)).json()["id"]
    await client.post(f"/api/assignments/{assignment}/submit/", headers=member.headers)
    await client.post(f"/api/assignments/{assignment}/reject/", json={"feedback": "Typos left"}, headers=admin.headers)
    await client.post(f"/api/assignments/{assignment}/approve/", json={"feedback": "Fine now"}, headers=admin.headers)

    detail = await client.get(f"/api/assignments/{assignment}/", headers=member.headers)
    history = detail.json()["history"]
    assert [(h["status"], h["by"], h["feedback"]) for h in history] == [
        ("rejected", str(admin.user.id), "Typos left"),
        ("approved", str(admin.user.id), "Fine now"),
    ]
    assert history[0]["at"] <= history[1]["at"]
    assert (detail.json()["status"], detail.json()["feedback"]) == ("approved", "Fine now")
    assert (await client.get("/api/wallet/", headers=member.headers)).json() == {
        "balance": 3,
        "earned": 3,
        "redeemed": 0,
    }
    listed = await client.get("/api/assignments/", headers=member.headers)
    assert "history" not in listed.json()["items"][0], "lists stay one statement a page"


async def test_the_schema_documents_the_ledger_operations(client: Client) -> None:
    schema = (await client.get("/schema/openapi.json")).json()
    paths = schema["paths"]
    fund = paths["/api/admin/projects/{slug}/budget"]["post"]
    assert {"201", "400", "401", "403", "404", "409"} <= set(fund["responses"])
    assert "application/problem+json" in fund["responses"]["409"]["content"]
    budget = paths["/api/projects/{slug}/budget"]["get"]
    assert {"200", "401", "403", "404"} <= set(budget["responses"])
    assert "/api/projects/{slug}/budget/transfers" in paths
    redeem = paths["/api/wallet/redeem"]["post"]["responses"]
    assert "Idempotent-Replayed" in redeem["201"]["headers"]
    assert {"401", "409"} <= set(paths["/api/tasks/{slug}/claim"]["post"]["responses"])
    detail = paths["/api/assignments/{assignment_id}"]["get"]["responses"]["200"]["content"]["application/json"]
    ref = detail["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "history" in schema["components"]["schemas"][ref]["properties"]


async def test_the_daily_check_sets_the_gauge_and_names_what_broke(
    client: Client, container: Container, shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    await shop.fund(client, 40)
    await client.post("/api/tasks/", json={"name": "Public", "points": 7, "claim_limit": 2}, headers=shop.admin.headers)
    await client.post(
        f"/api/admin/users/{shop.member.user.id}/wallet/adjust/",
        json={"points": 9, "reason": "Welcome"},
        headers=shop.admin.headers,
    )
    assert await container.handlers["check_ledger"]() == 0
    assert gauge(await client.get("/metrics", headers=METRICS), "sum_zero") == 0

    async with container.engine.begin() as conn:
        wallet = ledger_accounts.c.id == wallet_of(shop.member.user.id).id
        await conn.execute(update(ledger_accounts).where(wallet).values(balance=ledger_accounts.c.balance + 5))
    with caplog.at_level(logging.ERROR):
        assert await container.handlers["check_ledger"](today="2026-01-01") == 2
    metrics = await client.get("/metrics", headers=METRICS)
    assert (gauge(metrics, "sum_zero"), gauge(metrics, "balances_match_transfers")) == (5, 1)
    assert gauge(metrics, "not_negative") == 0
    loud = [r.getMessage() for r in caplog.records if "LEDGER INVARIANT BROKEN" in r.getMessage()]
    assert len(loud) == 2
    assert any("sum_zero" in line for line in loud)


def gauge(response: Any, invariant: str) -> float:
    found = re.search(rf'^taskreward_ledger_violations{{invariant="{invariant}"}} (\S+)$', response.text, re.MULTILINE)
    assert found, response.text[:2000]
    return float(found.group(1))
