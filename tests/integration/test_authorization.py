"""Who may do what, route by route through the API: refusals answer the right status and change nothing.

Members get 403 on every reviewer and admin route and 404 on other members' assignments; nobody
reviews their own work; no token is 401; bodies that try to set protected fields are 400; a
deactivated account is shut out at once; wallet adjustments and notifications behave per user.

The rules themselves are a table of unit tests over the fakes (tests/unit/test_authorization.py), and the
contract suites hold the fakes to both databases; so each route is checked here once, on SQLite.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

import pytest
from litestar.testing import AsyncTestClient
from PIL import Image
from sqlalchemy import func, select

from adapters.db.tables import assignments, ledger_transfers, tasks, users
from application.identity import user_changed
from domain.ledger import wallet_of
from entrypoints.bootstrap import Container
from tests.integration.conftest import PASSWORD, Account, quick_accounts

Client = AsyncTestClient[Any]


@pytest.fixture
def database_url(sqlite_db: str) -> str:
    return sqlite_db


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (20, 120, 220)).save(buffer, "PNG")
    return buffer.getvalue()


async def scalar(container: Container, query: Any) -> Any:
    async with container.engine.connect() as conn:
        return (await conn.execute(query)).scalar_one()


# Transfers in or out of a wallet: points earned, redeemed or adjusted (publishing only reserves).
PAID = select(func.count()).where(ledger_transfers.c.kind.in_(["reward", "redemption", "adjustment"]))


async def publish(client: Client, admin: Account, name: str, points: int = 5, claim_limit: int = 3) -> dict[str, Any]:
    response = await client.post(
        "/api/tasks/", json={"name": name, "points": points, "claim_limit": claim_limit}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


async def claim(client: Client, account: Account, slug: str) -> dict[str, Any]:
    response = await client.post(f"/api/tasks/{slug}/claim/", headers=account.headers)
    assert response.status_code == 201, response.text
    assignment: dict[str, Any] = response.json()
    return assignment


async def submit(client: Client, account: Account, assignment_id: str) -> None:
    response = await client.post(
        f"/api/assignments/{assignment_id}/submit/", json={"note": "done"}, headers=account.headers
    )
    assert response.status_code == 200, response.text


def assert_problem(response: Any, status: int, code: str | None = None) -> None:
    assert response.status_code == status, (response.request.method, response.request.url.path, response.text)
    assert response.headers["content-type"].startswith("application/problem+json")
    if code is not None:
        assert response.json()["code"] == code, response.json()


@dataclass
class Board:
    admin: Account
    member: Account
    other: Account
    task: dict[str, Any]
    submitted: dict[str, Any]  # the other member's submitted assignment of `task`


@pytest.fixture
async def board(client: Client, container: Container) -> Board:
    # Straight into the database with a real session each: argon2 and a login per account are slow.
    (admin,) = await quick_accounts(container, "admin", 1)
    member, other = await quick_accounts(container, "member", 2)
    task = await publish(client, admin, "Paint the fence")
    assignment = await claim(client, other, task["slug"])
    await submit(client, other, assignment["id"])
    return Board(admin, member, other, task, assignment)


async def test_members_are_refused_every_reviewer_and_admin_route(client: Client, board: Board) -> None:
    member, slug, theirs = board.member, board.task["slug"], board.submitted["id"]
    me = member.user.id
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/api/tasks/", {"json": {"name": "Self-published", "points": 1000}}),
        ("PATCH", f"/api/tasks/{slug}/", {"json": {"name": "Hijacked", "points": 1_000_000}}),
        ("DELETE", f"/api/tasks/{slug}/", {}),
        ("PUT", f"/api/tasks/{slug}/image/", {"files": {"image": ("x.png", png(), "image/png")}}),
        ("POST", f"/api/tasks/{slug}/assign/", {"json": {"user_id": str(me)}}),
        ("GET", "/api/assignments/review/", {}),
        ("POST", f"/api/assignments/{theirs}/approve/", {"json": {"feedback": "fine"}}),
        ("POST", f"/api/assignments/{theirs}/approve/", {}),
        ("POST", f"/api/assignments/{theirs}/reject/", {"json": {"feedback": "no"}}),
        ("GET", "/api/admin/users/", {}),
        ("GET", f"/api/admin/users/{me}/", {}),
        ("GET", f"/api/admin/users/{board.other.user.id}/", {}),
        ("PATCH", f"/api/admin/users/{me}/", {"json": {"role": "admin"}}),
        ("PATCH", f"/api/admin/users/{board.other.user.id}/", {"json": {"is_active": False}}),
        ("POST", f"/api/admin/users/{me}/wallet/adjust/", {"json": {"points": 500, "reason": "free money"}}),
    ]
    for method, path, extra in calls:
        response = await client.request(method, path, headers=member.headers, **extra)
        assert_problem(response, 403, "permission_denied")

    task = await client.get(f"/api/tasks/{slug}/", headers=board.admin.headers)
    assert task.status_code == 200
    assert task.json() == board.task | {"slots_left": board.task["claim_limit"] - 1}
    assignment = await client.get(f"/api/assignments/{theirs}/", headers=board.other.headers)
    assert assignment.json()["status"] == "submitted"
    assert (await client.get("/api/assignments/", headers=member.headers)).json()["items"] == []
    profile = await client.get("/api/auth/me/", headers=member.headers)
    assert profile.json()["role"] == "member"
    assert (await client.get("/api/auth/me/", headers=board.other.headers)).json()["is_active"] is True
    wallet = await client.get("/api/wallet/", headers=member.headers)
    assert wallet.json() == {"balance": 0, "earned": 0, "redeemed": 0}


async def test_a_manager_without_projects_reviews_nothing_on_the_public_board(
    client: Client, board: Board, container: Container
) -> None:
    (manager,) = await quick_accounts(container, "manager", 1)
    slug, theirs = board.task["slug"], board.submitted["id"]
    forbidden: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/api/tasks/", {"json": {"name": "Not mine to publish"}}),
        ("PATCH", f"/api/tasks/{slug}/", {"json": {"name": "Hijacked"}}),
        ("DELETE", f"/api/tasks/{slug}/", {}),
        ("PUT", f"/api/tasks/{slug}/image/", {"files": {"image": ("x.png", png(), "image/png")}}),
        ("POST", f"/api/tasks/{slug}/assign/", {"json": {"user_id": str(board.member.user.id)}}),
        ("GET", "/api/admin/users/", {}),
        ("POST", f"/api/admin/users/{manager.user.id}/wallet/adjust/", {"json": {"points": 5, "reason": "x"}}),
    ]
    for method, path, extra in forbidden:
        assert_problem(await client.request(method, path, headers=manager.headers, **extra), 403)
    # Public submissions are the admins' to review: the manager neither sees nor reviews them.
    queue = await client.get("/api/assignments/review/", headers=manager.headers)
    assert queue.status_code == 200
    assert queue.json()["items"] == []
    assert_problem(await client.get(f"/api/assignments/{theirs}/", headers=manager.headers), 404)
    assert_problem(await client.post(f"/api/assignments/{theirs}/approve/", headers=manager.headers), 404)
    response = await client.post(f"/api/assignments/{theirs}/reject/", json={"feedback": "no"}, headers=manager.headers)
    assert_problem(response, 404)
    queue = await client.get("/api/assignments/review/", headers=board.admin.headers)
    assert [a["id"] for a in queue.json()["items"]] == [theirs]
    assert queue.json()["items"][0]["status"] == "submitted"


async def test_another_members_assignment_is_not_found(client: Client, board: Board, container: Container) -> None:
    other = board.other
    (busy,) = await quick_accounts(container, "member", 1, prefix="busy")
    second = await publish(client, board.admin, "Sweep the yard")
    in_progress = await claim(client, busy, second["slug"])

    for target in (in_progress["id"], board.submitted["id"]):
        base = f"/api/assignments/{target}"
        assert_problem(await client.get(f"{base}/", headers=board.member.headers), 404, "assignment_not_found")
        response = await client.post(f"{base}/submit/", json={"note": "mine now"}, headers=board.member.headers)
        assert_problem(response, 404, "assignment_not_found")
        assert_problem(await client.post(f"{base}/release/", headers=board.member.headers), 404, "assignment_not_found")
        # The owner of one assignment has no more right to another's.
        if target == in_progress["id"]:
            assert_problem(await client.get(f"{base}/", headers=other.headers), 404, "assignment_not_found")
    assert_problem(await client.get(f"/api/assignments/{uuid4()}/", headers=board.member.headers), 404)

    still = await client.get(f"/api/assignments/{in_progress['id']}/", headers=busy.headers)
    assert (still.json()["status"], still.json()["note"]) == ("in_progress", "")
    submitted = await client.get(f"/api/assignments/{board.submitted['id']}/", headers=other.headers)
    assert (submitted.json()["status"], submitted.json()["note"]) == ("submitted", "done")
    detail = await client.get(f"/api/tasks/{second['slug']}/", headers=board.admin.headers)
    assert detail.json()["slots_left"] == second["claim_limit"] - 1


async def test_nobody_reviews_their_own_submission_nor_earns_on_work_they_could_review(
    client: Client, container: Container, board: Board
) -> None:
    admin, (second_admin,) = board.admin, await quick_accounts(container, "admin", 1, prefix="second")
    taken = await client.post(f"/api/tasks/{board.task['slug']}/claim/", headers=admin.headers)
    assert_problem(taken, 409, "reviewer_cannot_earn")
    assigned = await client.post(
        f"/api/tasks/{board.task['slug']}/assign/", json={"user_id": str(second_admin.user.id)}, headers=admin.headers
    )
    assert_problem(assigned, 409, "reviewer_cannot_earn")

    # A member who submitted and became an admin since can neither review that work nor be paid for it.
    promoted, own = board.other, board.submitted["id"]
    async with container.engine.begin() as conn:
        await conn.execute(users.update().where(users.c.id == promoted.user.id).values(role="admin"))
    # Written past the use cases (which keep the session), so the processes are told as the use cases tell them.
    await user_changed(container.identity.signed_in, promoted.user.id)
    approve = await client.post(f"/api/assignments/{own}/approve/", headers=promoted.headers)
    assert_problem(approve, 403, "own_submission")
    reject = await client.post(f"/api/assignments/{own}/reject/", json={"feedback": "meh"}, headers=promoted.headers)
    assert_problem(reject, 403, "own_submission")
    by_another = await client.post(f"/api/assignments/{own}/approve/", headers=second_admin.headers)
    assert_problem(by_another, 409, "reviewer_cannot_earn")
    assert (await client.get(f"/api/assignments/{own}/", headers=promoted.headers)).json()["status"] == "submitted"
    assert await scalar(container, PAID) == 0

    # A member cannot review even their own: they review nothing at all.
    assert_problem(await client.post(f"/api/assignments/{own}/approve/", headers=board.member.headers), 403)

    # Another admin may still turn it down.
    rejected = await client.post(
        f"/api/assignments/{own}/reject/", json={"feedback": "Reviewers do not earn"}, headers=second_admin.headers
    )
    assert rejected.status_code == 200, rejected.text
    wallet = await client.get("/api/wallet/", headers=promoted.headers)
    assert wallet.json() == {"balance": 0, "earned": 0, "redeemed": 0}


async def test_calls_without_a_valid_token_are_401(client: Client, board: Board) -> None:
    slug, some_id, user_id = board.task["slug"], board.submitted["id"], board.member.user.id
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/api/auth/me/", {}),
        ("GET", "/api/tasks/", {}),
        ("POST", "/api/tasks/", {"json": {"name": "Anonymous"}}),
        ("GET", f"/api/tasks/{slug}/", {}),
        ("PATCH", f"/api/tasks/{slug}/", {"json": {"name": "Anonymous"}}),
        ("DELETE", f"/api/tasks/{slug}/", {}),
        ("PUT", f"/api/tasks/{slug}/image/", {"files": {"image": ("x.png", png(), "image/png")}}),
        ("POST", f"/api/tasks/{slug}/claim/", {}),
        ("POST", f"/api/tasks/{slug}/assign/", {"json": {"user_id": str(user_id)}}),
        ("GET", "/api/assignments/", {}),
        ("GET", "/api/assignments/review/", {}),
        ("GET", f"/api/assignments/{some_id}/", {}),
        ("POST", f"/api/assignments/{some_id}/submit/", {"json": {"note": "x"}}),
        ("POST", f"/api/assignments/{some_id}/release/", {}),
        ("POST", f"/api/assignments/{some_id}/approve/", {}),
        ("POST", f"/api/assignments/{some_id}/reject/", {"json": {"feedback": "x"}}),
        ("GET", "/api/wallet/", {}),
        ("GET", "/api/wallet/transactions/", {}),
        ("POST", "/api/wallet/redeem/", {"json": {"points": 1}, "headers": {"Idempotency-Key": "k"}}),
        ("GET", "/api/notifications/", {}),
        ("GET", "/api/notifications/unread-count/", {}),
        ("POST", f"/api/notifications/{uuid4()}/read/", {}),
        ("POST", "/api/notifications/read-all/", {}),
        ("GET", "/api/admin/users/", {}),
        ("GET", f"/api/admin/users/{user_id}/", {}),
        ("PATCH", f"/api/admin/users/{user_id}/", {"json": {"role": "admin"}}),
        ("POST", f"/api/admin/users/{user_id}/wallet/adjust/", {"json": {"points": 5, "reason": "x"}}),
    ]
    forged = board.admin.access[:-4] + ("AAAA" if not board.admin.access.endswith("AAAA") else "BBBB")
    bad_headers: list[dict[str, str]] = [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": f"Bearer {forged}"},
        {"Authorization": f"Bearer {board.admin.refresh}"},  # a refresh token is no access token
        {"Authorization": f"Basic {board.admin.access}"},
    ]
    for method, path, extra in calls:
        for bad in bad_headers:
            headers = {**extra.get("headers", {}), **bad}
            kwargs = {k: v for k, v in extra.items() if k != "headers"}
            response = await client.request(method, path, headers=headers, **kwargs)
            assert_problem(response, 401)
            assert response.headers["www-authenticate"].startswith("Bearer")

    detail = await client.get(f"/api/tasks/{slug}/", headers=board.admin.headers)
    assert detail.json()["name"] == board.task["name"]
    assert detail.json()["slots_left"] == board.task["claim_limit"] - 1


async def test_protected_fields_cannot_be_set(client: Client, board: Board, container: Container) -> None:
    admin, slug = board.admin, board.task["slug"]
    bodies: list[dict[str, Any]] = [
        {"points_balance": 1000},
        {"role": "admin"},
        {"status": "completed"},
        {"slots_taken": 0},
        {"name": "Renamed", "slots_taken": 0},
        {"points": 9, "points_balance": 1000},
        {"created_by": str(board.member.user.id)},
        {"deleted_at": None},
    ]
    for body in bodies:
        response = await client.patch(f"/api/tasks/{slug}/", json=body, headers=admin.headers)
        assert_problem(response, 400)
    detail = await client.get(f"/api/tasks/{slug}/", headers=admin.headers)
    assert detail.json() == board.task | {"slots_left": board.task["claim_limit"] - 1}
    assert await scalar(container, select(tasks.c.slots_taken).where(tasks.c.slug == slug)) == 1

    member_id = board.member.user.id
    for body in ({"points_balance": 1000}, {"is_active": True, "points_balance": 1000}, {"balance": 5}):
        response = await client.patch(f"/api/admin/users/{member_id}/", json=body, headers=admin.headers)
        assert_problem(response, 400)
    history = await client.get(f"/api/admin/users/{member_id}/", headers=admin.headers)
    assert history.status_code == 200
    assert (history.json()["balance"], history.json()["points_earned"]) == (0, 0)
    assert history.json()["user"]["role"] == "member"
    assert await scalar(container, PAID) == 0

    # An assignment's status moves only through its own steps.
    theirs = board.submitted["id"]
    smuggled: list[tuple[str, dict[str, Any], Account]] = [
        ("approve", {"feedback": "ok", "status": "rejected"}, admin),
        ("approve", {"status": "approved"}, admin),
        ("reject", {"feedback": "no", "status": "approved"}, admin),
        ("submit", {"note": "again", "status": "approved"}, board.other),
    ]
    for step, body, who in smuggled:
        response = await client.post(f"/api/assignments/{theirs}/{step}/", json=body, headers=who.headers)
        assert_problem(response, 400)
    # There is no route that edits an assignment wholesale.
    response = await client.patch(f"/api/assignments/{theirs}/", json={"status": "approved"}, headers=admin.headers)
    assert_problem(response, 405)
    row = select(assignments.c.status, assignments.c.reviewer_id).where(assignments.c.id == UUID(theirs))
    async with container.engine.connect() as conn:
        assert tuple((await conn.execute(row)).one()) == ("submitted", None)
    assert await scalar(container, PAID) == 0


async def test_deactivation_shuts_the_account_out_at_once(
    client: Client, board: Board, container: Container, accounts: Any
) -> None:
    admin, member = board.admin, await accounts("member")  # signed in with a password, to sign in again
    assert (await client.get("/api/auth/me/", headers=member.headers)).status_code == 200

    response = await client.patch(
        f"/api/admin/users/{member.user.id}/", json={"is_active": False}, headers=admin.headers
    )
    assert response.status_code == 200, response.text
    assert response.json()["is_active"] is False

    for method, path in (("GET", "/api/auth/me/"), ("GET", "/api/tasks/"), ("GET", "/api/wallet/")):
        refused = await client.request(method, path, headers=member.headers)
        assert refused.status_code in (401, 403), refused.text
    claim_attempt = await client.post(f"/api/tasks/{board.task['slug']}/claim/", headers=member.headers)
    assert claim_attempt.status_code in (401, 403), claim_attempt.text
    assert_problem(await client.post("/api/auth/token/refresh/", json={"refresh": member.refresh}), 401)
    login = await client.post("/api/auth/login/", json={"email": member.user.email, "password": PASSWORD})
    assert_problem(login, 403, "account_inactive")
    assert await scalar(container, select(users.c.is_active).where(users.c.id == member.user.id)) is False
    listed = await client.get("/api/admin/users/?is_active=false", headers=admin.headers)
    assert [u["id"] for u in listed.json()["items"]] == [str(member.user.id)]

    # Admins cannot shut themselves out; other users are untouched.
    selfie = await client.patch(f"/api/admin/users/{admin.user.id}/", json={"is_active": False}, headers=admin.headers)
    assert_problem(selfie, 403)
    assert (await client.get("/api/auth/me/", headers=board.other.headers)).status_code == 200

    # Reactivated, the account signs in afresh; the old tokens stay dead.
    response = await client.patch(
        f"/api/admin/users/{member.user.id}/", json={"is_active": True}, headers=admin.headers
    )
    assert response.status_code == 200
    assert_problem(await client.get("/api/auth/me/", headers=member.headers), 401)
    assert_problem(await client.post("/api/auth/token/refresh/", json={"refresh": member.refresh}), 401)
    login = await client.post("/api/auth/login/", json={"email": member.user.email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    me = await client.get("/api/auth/me/", headers={"Authorization": f"Bearer {login.json()['access']}"})
    assert me.status_code == 200


async def test_admin_wallet_adjustments(client: Client, board: Board, container: Container) -> None:
    admin, member = board.admin, board.member
    path = f"/api/admin/users/{member.user.id}/wallet/adjust/"

    credit = await client.post(path, json={"points": 25, "reason": "welcome bonus"}, headers=admin.headers)
    assert credit.status_code == 201, credit.text
    assert credit.json()["balance"] == 25
    assert (credit.json()["entry"]["kind"], credit.json()["entry"]["points"]) == ("adjustment", 25)
    assert credit.json()["entry"]["reason"] == "welcome bonus"

    overdraw = await client.post(path, json={"points": -26, "reason": "clawback"}, headers=admin.headers)
    assert_problem(overdraw, 409, "insufficient_points")
    for bad in ({"points": 0, "reason": "nothing"}, {"points": 5, "reason": ""}, {"points": 5}):
        assert_problem(await client.post(path, json=bad, headers=admin.headers), 400)
    missing = await client.post(
        f"/api/admin/users/{uuid4()}/wallet/adjust/", json={"points": 5, "reason": "x"}, headers=admin.headers
    )
    assert_problem(missing, 404, "user_not_found")
    wallet = await client.get("/api/wallet/", headers=member.headers)
    assert wallet.json() == {"balance": 25, "earned": 0, "redeemed": 0}

    debit = await client.post(path, json={"points": -25, "reason": "clawback"}, headers=admin.headers)
    assert debit.status_code == 201, debit.text
    assert debit.json()["balance"] == 0
    history = await client.get("/api/wallet/transactions/", headers=member.headers)
    assert [(e["kind"], e["points"]) for e in history.json()["items"]] == [("adjustment", -25), ("adjustment", 25)]
    wallet, t = wallet_of(member.user.id).id, ledger_transfers
    received = select(func.coalesce(func.sum(t.c.amount), 0)).where(t.c.credit_account_id == wallet)
    given = select(func.coalesce(func.sum(t.c.amount), 0)).where(t.c.debit_account_id == wallet)
    assert await scalar(container, received) == await scalar(container, given) == 25
    assert_problem(await client.post(path, json={"points": -1, "reason": "below zero"}, headers=admin.headers), 409)


async def test_notifications_are_per_user(client: Client, board: Board) -> None:
    admin, member, other = board.admin, board.member, board.other
    for name in ("Water the plants", "Feed the cat", "Empty the bins"):
        task = await publish(client, admin, name)
        response = await client.post(
            f"/api/tasks/{task['slug']}/assign/", json={"user_id": str(member.user.id)}, headers=admin.headers
        )
        assert response.status_code == 201, response.text
    task = await publish(client, admin, "Lock the gate")
    response = await client.post(
        f"/api/tasks/{task['slug']}/assign/", json={"user_id": str(other.user.id)}, headers=admin.headers
    )
    assert response.status_code == 201, response.text

    async def unread(account: Account) -> int:
        response = await client.get("/api/notifications/unread-count/", headers=account.headers)
        assert response.status_code == 200
        count: int = response.json()["count"]
        return count

    listed = await client.get("/api/notifications/", headers=member.headers)
    items = listed.json()["items"]
    assert [n["kind"] for n in items] == ["assigned"] * 3
    assert "Empty the bins" in items[0]["text"]  # newest first
    assert all(n["read_at"] is None for n in items)
    assert await unread(member) == 3
    others = (await client.get("/api/notifications/", headers=other.headers)).json()["items"]
    theirs = [n for n in others if n["kind"] == "assigned"]
    assert len(theirs) == 1
    other_unread = await unread(other)

    first = items[0]["id"]
    marked = await client.post(f"/api/notifications/{first}/read/", headers=member.headers)
    assert marked.status_code == 200, marked.text
    assert marked.json()["id"] == first
    assert marked.json()["read_at"] is not None
    again = await client.post(f"/api/notifications/{first}/read/", headers=member.headers)
    assert again.json()["read_at"] == marked.json()["read_at"]
    assert await unread(member) == 2
    still_unread = (await client.get("/api/notifications/?unread=true", headers=member.headers)).json()["items"]
    assert [n["id"] for n in still_unread] == [n["id"] for n in items[1:]]

    for foreign in (theirs[0]["id"], str(uuid4())):
        response = await client.post(f"/api/notifications/{foreign}/read/", headers=member.headers)
        assert_problem(response, 404, "notification_not_found")
    assert await unread(other) == other_unread

    read_all = await client.post("/api/notifications/read-all/", headers=member.headers)
    assert read_all.status_code == 200
    assert read_all.json() == {"count": 2}
    assert await unread(member) == 0
    assert (await client.get("/api/notifications/?unread=true", headers=member.headers)).json()["items"] == []
    assert (await client.post("/api/notifications/read-all/", headers=member.headers)).json() == {"count": 0}
    assert await unread(other) == other_unread


async def test_submitting_needs_no_body(client: Any, accounts: Any) -> None:
    admin = await accounts("admin")
    member = await accounts("member")
    task = await client.post("/api/tasks/", json={"name": "No-note task"}, headers=admin.headers)
    claim = await client.post(f"/api/tasks/{task.json()['slug']}/claim/", headers=member.headers)
    submitted = await client.post(f"/api/assignments/{claim.json()['id']}/submit/", headers=member.headers)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["note"] == ""
