"""The admin panel's lists answer their filters, the dashboard counts right, and the audit log exports as a
CSV file that no spreadsheet will run as formulas."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from application import audit_trail
from domain.ids import new_id
from domain.outbox import DeliveryStatus, EmailDelivery
from domain.users import Role, User
from entrypoints.bootstrap import Container
from tests.integration.admin_seed import ok, seed
from tests.integration.web import signed_in

Client = AsyncTestClient[Any]


async def old_account(container: Container, email: str, days: int, *, active: bool = True) -> User:
    now = container.clock.now()
    user = User(email, email.split("@")[0].title(), Role.MEMBER, "!unusable", now - timedelta(days=days))
    user.is_active = active
    async with container.uow() as work:
        await work.users.add(user)
        await work.commit()
    return user


async def delivery(container: Container, to: str, status: DeliveryStatus) -> None:
    async with container.uow() as work:
        await work.deliveries.save(EmailDelivery(new_id(), to, "otp", status, 5, "550 no such mailbox"))
        await work.commit()


async def test_the_dashboard_counts_the_whole_service(client: Client, accounts: Any, container: Container) -> None:
    world = await seed(client, accounts)
    admin = world.admin.headers
    await ok(
        await client.post(
            f"/api/admin/users/{world.member.user.id}/wallet/adjust/",
            json={"points": 10, "reason": "Prize"},
            headers=admin,
        ),
        201,
    )
    redeem = await client.post(
        "/api/wallet/redeem/", json={"points": 4}, headers={**world.member.headers, "Idempotency-Key": "k1"}
    )
    await ok(redeem, 201)
    await ok(await client.post("/api/projects/", json={"name": "Late", "due_date": "2020-01-01"}, headers=admin), 201)
    done = {"name": "Finished", "due_date": "2020-01-01", "status": "completed"}
    await ok(await client.post("/api/projects/", json=done, headers=admin), 201)
    await old_account(container, "ancient@admin.test", days=30)
    await delivery(container, "gone@admin.test", DeliveryStatus.FAILED)
    await delivery(container, "slow@admin.test", DeliveryStatus.PENDING)
    await delivery(container, "fine@admin.test", DeliveryStatus.SENT)

    page = (await (await signed_in(client, world.admin.user.email)).get("/admin/")).text
    figures = {
        "open-tasks": 2,  # the board's task (full: the member holds its one slot) and the project's
        "waiting": 1,
        # Out of the treasury: the budget's 10 (3 of it reserved for the project's task), the board task's 5 in
        # its escrow, and the member's adjustment of 10, less the 4 they redeemed.
        "issued": 10 + 5 + 10 - 4,
        "outstanding": 6,
        "reserved": 3 + 5,  # the project task's escrow and the board task's
        "failed-emails": 1,
        "overdue-projects": 1,  # a completed project is not overdue
        "new-users": 3,  # the admin, the manager and the member; not the account of a month ago
    }
    for name, value in figures.items():
        assert f'id="{name}">{value}</p>' in page, name
    assert "1 of them full" in page
    assert '<span id="in-budgets">7</span> more wait in project budgets' in page  # the budget's 10, less 3
    assert "4 redeemed back to the treasury" in page
    assert "The oldest for under a minute" in page


async def test_the_task_list_filters(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    admin = await signed_in(client, world.admin.user.email)
    await ok(
        await client.patch(f"/api/tasks/{world.project_task}/", json={"is_open": False}, headers=world.admin.headers)
    )
    cases = {
        "": {"Sweep the hall", "Water the roses"},
        "?state=open": {"Sweep the hall"},
        "?state=closed": {"Water the roses"},
        "?full=true": {"Sweep the hall"},
        "?full=false": {"Water the roses"},
        "?where=board": {"Sweep the hall"},
        f"?project={world.project}": {"Water the roses"},
        "?q=ROSES": {"Water the roses"},
        "?q=%25": set(),  # a LIKE wildcard is searched for, not obeyed
        "?project=no-such-project": set(),
    }
    for query, names in cases.items():
        page = (await admin.get(f"/admin/tasks/{query}")).text
        assert {n for n in ("Sweep the hall", "Water the roses") if f">{n}</a>" in page} == names, query
    assert (await admin.get("/admin/tasks/?state=maybe")).status_code == 400


async def test_the_user_list_filters(client: Client, accounts: Any, container: Container) -> None:
    world = await seed(client, accounts)
    old = await old_account(container, "olga@admin.test", days=40, active=False)
    admin = await signed_in(client, world.admin.user.email)
    today = container.clock.now().date()
    everyone = {"Root", "Maya", "Nina", "Olga"}
    cases = {
        "": everyone,
        "?role=manager": {"Maya"},
        "?active=false": {"Olga"},
        "?q=NINA": {"Nina"},
        f"?joined_from={today - timedelta(days=1)}": {"Root", "Maya", "Nina"},
        f"?joined_to={today - timedelta(days=39)}": {"Olga"},
        f"?joined_from={today - timedelta(days=41)}&joined_to={today - timedelta(days=39)}": {"Olga"},
    }
    for query, names in cases.items():
        page = (await admin.get(f"/admin/users/{query}")).text
        assert {n for n in everyone if f">{n}</a>" in page} == names, query
    backwards = await admin.get(f"/admin/users/?joined_from={today}&joined_to={today - timedelta(days=3)}")
    assert backwards.status_code == 400
    assert "comes after" in backwards.text
    assert old.email in (await admin.get(f"/admin/users/{old.id}/")).text


async def test_the_project_and_delivery_lists_filter(client: Client, accounts: Any, container: Container) -> None:
    world = await seed(client, accounts)
    headers = world.admin.headers
    await ok(await client.post("/api/projects/", json={"name": "Late", "due_date": "2020-01-01"}, headers=headers), 201)
    await ok(await client.post("/api/projects/", json={"name": "Paused", "status": "on_hold"}, headers=headers), 201)
    await delivery(container, "gone@admin.test", DeliveryStatus.FAILED)
    await delivery(container, "slow@admin.test", DeliveryStatus.PENDING)
    await delivery(container, "fine@admin.test", DeliveryStatus.SENT)
    admin = await signed_in(client, world.admin.user.email)
    projects = {"Garden", "Late", "Paused"}
    for query, names in {
        "": projects,
        "?overdue=true": {"Late"},
        "?overdue=false": {"Garden", "Paused"},
        "?status=on_hold": {"Paused"},
        "?q=gard": {"Garden"},
    }.items():
        page = (await admin.get(f"/admin/projects/{query}")).text
        assert {n for n in projects if f">{n}</a>" in page} == names, query
    garden = (await admin.get(f"/admin/projects/{world.project}/")).text
    assert "Members (1)" in garden
    assert world.manager.user.email in garden
    addresses = ("gone@admin.test", "slow@admin.test", "fine@admin.test")
    for query, shown in {
        "": {"gone@admin.test", "slow@admin.test"},
        "?status=failed": {"gone@admin.test"},
        "?status=pending": {"slow@admin.test"},
    }.items():
        page = (await admin.get(f"/admin/deliveries/{query}")).text
        assert {a for a in addresses if a in page} == shown, query
    assert "550 no such mailbox" in page


async def test_the_audit_log_filters_by_actor_kind_and_day(client: Client, accounts: Any, container: Container) -> None:
    world = await seed(client, accounts)
    member_id = world.member.user.id
    adjust = {"points": 3, "reason": "Thanks"}
    await ok(
        await client.post(f"/api/admin/users/{member_id}/wallet/adjust/", json=adjust, headers=world.admin.headers), 201
    )
    await client.post("/api/auth/login/", json={"email": world.member.user.email, "password": "wrong password"})
    admin = await signed_in(client, world.admin.user.email)
    today = container.clock.now().date()

    def kinds(page: str) -> set[str]:
        return {k for k in ("wallet.adjusted", "login.failed", "login.succeeded") if f"<code>{k}</code>" in page}

    assert kinds((await admin.get("/admin/audit/")).text) == {"wallet.adjusted", "login.failed", "login.succeeded"}
    wallet = (await admin.get("/admin/audit/?kind=wallet")).text
    assert kinds(wallet) == {"wallet.adjusted"}
    assert f'<a href="/admin/users/{member_id}/">Nina</a>' in wallet  # the subject, by name
    assert kinds((await admin.get("/admin/audit/?kind=login.failed")).text) == {"login.failed"}
    assert kinds((await admin.get("/admin/audit/?kind=wallet.adj")).text) == set()  # a family, or one kind exactly
    by_admin = (await admin.get(f"/admin/audit/?actor={world.admin.user.email.upper()}")).text
    assert "wallet.adjusted" in by_admin
    assert "login.failed" not in by_admin
    assert kinds((await admin.get(f"/admin/audit/?first_day={today + timedelta(days=1)}")).text) == set()
    assert kinds((await admin.get(f"/admin/audit/?last_day={today - timedelta(days=1)}")).text) == set()
    assert "wallet.adjusted" in (await admin.get(f"/admin/audit/?first_day={today}&last_day={today}")).text
    assert (await admin.get("/admin/audit/?kind=DROP%20TABLE")).status_code == 400
    about_member = (await admin.get(f"/admin/users/{member_id}/?tab=audit")).text
    assert kinds(about_member) == {"wallet.adjusted", "login.failed", "login.succeeded"}
    assert about_member.count("<code>login.succeeded</code>") == 1  # theirs, not the admin's two sign-ins

    api = await client.get("/api/admin/audit/?kind=wallet", headers=world.admin.headers)
    assert [e["action"] for e in api.json()["items"]] == ["wallet.adjusted"]
    assert api.json()["items"][0]["actor_email"] == world.admin.user.email
    assert (await client.get("/api/admin/audit/", headers=world.member.headers)).status_code == 403


FORMULAS = ["=1+2@evil.test", "+cmd@evil.test", "-2+3@evil.test"]


async def test_the_csv_export_is_an_attachment_safe_from_formulas(
    client: Client, accounts: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await seed(client, accounts)
    for email in FORMULAS:  # what an attacker types at the sign-in lands in the audit log as the subject
        await client.post("/api/auth/login/", json={"email": email, "password": "guess guess"})
    take = {"points": -2, "reason": "@SUM(A1:A9)"}
    await client.post(
        f"/api/admin/users/{world.member.user.id}/wallet/adjust/",
        json={"points": 5, "reason": "x"},
        headers=world.admin.headers,
    )
    await ok(
        await client.post(
            f"/api/admin/users/{world.member.user.id}/wallet/adjust/", json=take, headers=world.admin.headers
        ),
        201,
    )
    admin = await signed_in(client, world.admin.user.email)

    response = await admin.get("/admin/audit/export/?kind=login.failed")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith('attachment; filename="taskreward-audit-')
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == ["when", "kind", "actor_id", "actor_email", "subject", "subject_name", "detail", "id"]
    assert [row[1] for row in rows[1:]] == ["login.failed"] * 3
    assert [row[4] for row in rows[1:]] == ["'" + email for email in reversed(FORMULAS)]  # newest first

    wallet = list(csv.reader(io.StringIO((await admin.get("/admin/audit/export/?kind=wallet")).text)))
    assert [row[6] for row in wallet[1:]] == ["'-2: @SUM(A1:A9)", "5: x"]
    assert [row[5] for row in wallet[1:]] == ["Nina"] * 2  # the account they are about, by name
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in wallet for cell in row)

    monkeypatch.setattr(audit_trail, "EXPORT_LIMIT", 2)
    limited = list(csv.reader(io.StringIO((await admin.get("/admin/audit/export/")).text)))
    assert len(limited) == 1 + 2
