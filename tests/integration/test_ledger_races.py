"""The ledger under real concurrency on PostgreSQL, through a live server (requests truly overlap), and the
issue's exploit replayed as an outsider would: nobody can mint points.

Each race checks that its requests overlapped, then that every money invariant holds (`check_ledger`).
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.db.tables import ledger_accounts, ledger_transfers, tasks
from application.ledger_check import check_ledger
from domain.access import ProjectRole
from domain.ledger import TREASURY, escrow_of
from domain.projects import Membership
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from tests.fakes.services import FakeClock
from tests.integration.conftest import (
    PG_POOL_SIZE,
    Account,
    InFlight,
    SmtpInbox,
    build,
    make_settings,
    quick_accounts,
    text_part,
)
from tests.integration.live import serve
from tests.integration.test_tracker_flow import invitation_token, register_by_otp

pytestmark = pytest.mark.postgres
Client = Any  # an httpx.AsyncClient of the live server


async def scalar(container: Container, query: Any) -> Any:
    async with container.engine.connect() as conn:
        return (await conn.execute(query)).scalar_one()


async def ledger_holds(container: Container) -> None:
    broken = {f.invariant.name: f.count for f in await check_ledger(container.queries.checks) if not f.holds}
    assert broken == {}


async def project_with_budget(client: Client, admin: Account, manager: Account, points: int) -> str:
    created = await client.post("/api/projects/", json={"name": "Launch"}, headers=manager.headers)
    slug: str = created.json()["slug"]
    funded = await client.post(
        f"/api/admin/projects/{slug}/budget/", json={"points": points, "reason": "Launch"}, headers=admin.headers
    )
    assert funded.status_code == 201, funded.text
    return slug


async def test_fifty_creations_against_a_budget_for_ten_create_exactly_ten(
    pg_client: Client, pg_container: Container, pg_in_flight: InFlight
) -> None:
    (admin,), (manager,) = (
        await quick_accounts(pg_container, "admin", 1),
        await quick_accounts(pg_container, "manager", 1),
    )
    slug = await project_with_budget(pg_client, admin, manager, 10 * 5 * 2)
    pg_in_flight.reset()

    responses = await asyncio.gather(
        *(
            pg_client.post(
                f"/api/projects/{slug}/tasks/",
                json={"name": f"Race {n}", "points": 5, "claim_limit": 2},
                headers=manager.headers,
            )
            for n in range(50)
        )
    )

    assert pg_in_flight.peak >= 10, f"the creations did not overlap (peak {pg_in_flight.peak})"
    assert Counter(r.status_code for r in responses) == {201: 10, 409: 40}, [r.text for r in responses[:3]]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"budget_exceeded"}
    assert await scalar(pg_container, select(func.count()).select_from(tasks)) == 10
    budget = await pg_client.get(f"/api/projects/{slug}/budget/", headers=manager.headers)
    assert budget.json() == {"granted": 100, "reserved": 100, "spent": 0, "available": 0}
    await ledger_holds(pg_container)


async def test_concurrent_approvals_and_point_edits_never_overdraw_an_escrow(
    pg_client: Client, pg_container: Container, pg_in_flight: InFlight
) -> None:
    (admin,), (manager,) = (
        await quick_accounts(pg_container, "admin", 1),
        await quick_accounts(pg_container, "manager", 1),
    )
    members = await quick_accounts(pg_container, "member", 20)
    slug = await project_with_budget(pg_client, admin, manager, 600)
    async with pg_container.uow() as work:
        project = await work.projects.get_by_slug(slug)
        assert project is not None
        for member in members:
            await work.memberships.add(Membership(project.id, member.user.id, ProjectRole.MEMBER, datetime.now(UTC)))
        await work.commit()
    body = {"name": "Translate a page", "points": 10, "claim_limit": 25}
    task = (await pg_client.post(f"/api/projects/{slug}/tasks/", json=body, headers=manager.headers)).json()
    work_ids = []
    for member in members:
        claimed = await pg_client.post(f"/api/tasks/{task['slug']}/claim/", headers=member.headers)
        await pg_client.post(f"/api/assignments/{claimed.json()['id']}/submit/", headers=member.headers)
        work_ids.append(claimed.json()["id"])
    points = [12, 8, 30, 5, 25, 10, 40, 15, 9, 11] * 2
    pg_in_flight.reset()

    approvals = [pg_client.post(f"/api/assignments/{i}/approve/", headers=manager.headers) for i in work_ids]
    edits = [
        pg_client.patch(f"/api/tasks/{task['slug']}/", json={"points": p}, headers=manager.headers) for p in points
    ]
    responses = await asyncio.gather(*[step for pair in zip(approvals, edits, strict=True) for step in pair])
    approved, edited = responses[0::2], responses[1::2]

    assert pg_in_flight.peak >= 10, f"the requests did not overlap (peak {pg_in_flight.peak})"
    assert [r.status_code for r in approved] == [200] * 20, [r.text for r in approved if r.status_code != 200]
    assert {r.status_code for r in edited} <= {200, 409}
    assert {r.json()["code"] for r in edited if r.status_code == 409} <= {"budget_exceeded"}
    final = (await pg_client.get(f"/api/tasks/{task['slug']}/", headers=manager.headers)).json()["points"]
    task_id = await scalar(pg_container, select(tasks.c.id).where(tasks.c.slug == task["slug"]))
    escrow = select(ledger_accounts.c.balance).where(ledger_accounts.c.id == escrow_of(task_id).id)
    assert await scalar(pg_container, escrow) == final * 5, "the five free slots, at the points now"
    paid = select(ledger_transfers.c.amount).where(ledger_transfers.c.kind == "reward")
    async with pg_container.engine.connect() as conn:
        rewards = list((await conn.execute(paid)).scalars())
    assert len(rewards) == 20
    assert set(rewards) <= {10, *points}, "each approval paid the task's points at that moment"
    wallets = [(await pg_client.get("/api/wallet/", headers=m.headers)).json()["balance"] for m in members]
    assert sorted(wallets) == sorted(rewards)
    budget = (await pg_client.get(f"/api/projects/{slug}/budget/", headers=manager.headers)).json()
    assert budget["spent"] == sum(rewards)
    assert budget["granted"] == 600 == budget["reserved"] + budget["spent"] + budget["available"]
    await ledger_holds(pg_container)


@pytest.fixture
async def mailing_app(
    pg_url: str, tmp_path: Path, smtp: SmtpInbox
) -> AsyncIterator[tuple[Client, Container, FakeClock]]:
    # Behind the real time, so the tokens issued on this clock stay valid while it moves on.
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5))
    settings = make_settings(pg_url, tmp_path, db_pool_size=PG_POOL_SIZE, email_host=smtp.host, email_port=smtp.port)
    container = build(settings, clock=clock)
    async with serve(create_app(container)) as client:
        yield client, container, clock
    await container.close()


async def test_the_exploit_of_issue_9_earns_nothing(
    mailing_app: tuple[Client, Container, FakeClock], smtp: SmtpInbox
) -> None:
    """An outsider registers as a manager, makes a project and a task worth a million that auto-approves after a
    minute, gives it to themselves, and waits. Then they try a sock puppet. Nothing is minted."""
    client, container, clock = mailing_app
    manager = await register_by_otp(client, smtp, "mallory@example.com", "/api/auth/register/manager/")
    slug = (await client.post("/api/projects/", json={"name": "Mint"}, headers=manager)).json()["slug"]
    million = {"name": "Money", "points": 1_000_000, "auto_approve_after_seconds": 60}
    minted = await client.post(f"/api/projects/{slug}/tasks/", json=million, headers=manager)
    assert (minted.status_code, minted.json()["code"]) == (409, "budget_exceeded")
    free = {**million, "points": 0}
    task = (await client.post(f"/api/projects/{slug}/tasks/", json=free, headers=manager)).json()["slug"]
    me = (await client.get("/api/auth/me/", headers=manager)).json()["id"]
    for attempt in (
        client.post(f"/api/tasks/{task}/assign/", json={"user_id": me}, headers=manager),
        client.post(f"/api/tasks/{task}/claim/", headers=manager),
    ):
        refused = await attempt
        assert (refused.status_code, refused.json()["code"]) == (409, "reviewer_cannot_earn")
    raised = await client.patch(f"/api/tasks/{task}/", json={"points": 1_000_000}, headers=manager)
    assert (raised.status_code, raised.json()["code"]) == (409, "budget_exceeded")

    # A second account of their own, invited into the project: it gets the work, and waits two minutes.
    await client.post(f"/api/projects/{slug}/invites/", json={"emails": ["puppet@example.com"]}, headers=manager)
    await smtp.wait_for("puppet@example.com")
    joined = await client.post(
        f"/api/invites/accept/{invitation_token(smtp, 'puppet@example.com')}/",
        json={"password": "puppet pass phrase", "full_name": "Puppet"},
    )
    puppet = {"Authorization": f"Bearer {joined.json()['access']}"}
    assigned = await client.post(
        f"/api/tasks/{task}/assign/", json={"user_id": joined.json()["user_id"]}, headers=manager
    )
    await client.post(f"/api/assignments/{assigned.json()['id']}/submit/", headers=puppet)
    clock.advance(timedelta(minutes=2))
    assert await container.handlers["auto_approve"]() == 1
    for who in (puppet, manager):
        cash = await client.post(
            "/api/wallet/redeem/", json={"points": 999_999}, headers={**who, "Idempotency-Key": "cash-out"}
        )
        assert (cash.status_code, cash.json()["code"]) == (409, "insufficient_points")
    assert (await client.get("/api/wallet/", headers=puppet)).json() == {"balance": 0, "earned": 0, "redeemed": 0}
    issued = select(func.coalesce(func.sum(ledger_accounts.c.balance), 0)).where(ledger_accounts.c.id == TREASURY.id)
    assert await scalar(container, issued) == 0, "no point was ever issued"
    await ledger_holds(container)
    assert re.search(r"\b\d{6}\b", text_part(smtp.to("mallory@example.com")[0]))  # the sign-up really went by email


async def test_with_a_funded_budget_a_sock_puppet_takes_at_most_what_an_admin_granted(
    mailing_app: tuple[Client, Container, FakeClock], smtp: SmtpInbox
) -> None:
    client, container, clock = mailing_app
    (admin,), (manager,) = await quick_accounts(container, "admin", 1), await quick_accounts(container, "manager", 1)
    (puppet,) = await quick_accounts(container, "member", 1)
    slug = await project_with_budget(client, admin, manager, 100)
    async with container.uow() as work:
        project = await work.projects.get_by_slug(slug)
        assert project is not None
        await work.memberships.add(Membership(project.id, puppet.user.id, ProjectRole.MEMBER, clock.now()))
        await work.commit()
    for points in (1_000_000, 101):
        body = {"name": f"Worth {points}", "points": points, "auto_approve_after_seconds": 60}
        assert (
            await client.post(f"/api/projects/{slug}/tasks/", json=body, headers=manager.headers)
        ).status_code == 409
    body = {"name": "Worth 100", "points": 100, "auto_approve_after_seconds": 60}
    task = (await client.post(f"/api/projects/{slug}/tasks/", json=body, headers=manager.headers)).json()["slug"]
    assigned = await client.post(
        f"/api/tasks/{task}/assign/", json={"user_id": str(puppet.user.id)}, headers=manager.headers
    )
    await client.post(f"/api/assignments/{assigned.json()['id']}/submit/", headers=puppet.headers)
    clock.advance(timedelta(minutes=2))
    assert await container.handlers["auto_approve"]() == 1

    assert (await client.get("/api/wallet/", headers=puppet.headers)).json()["balance"] == 100
    treasury = select(ledger_accounts.c.balance).where(ledger_accounts.c.id == TREASURY.id)
    assert await scalar(container, treasury) == -100, "all ever issued: the admin's grant"
    await ledger_holds(container)
