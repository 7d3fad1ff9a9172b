"""The invariants of claims, approvals and redemptions under real concurrency, on PostgreSQL.

Every race goes through the live HTTP app (a uvicorn server, see live.py) with asyncio.gather, and
each test checks that its requests really overlapped. Accounts are written straight to the database
with a real session each (`quick_accounts`): argon2 and a login per racer would only add minutes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any
from uuid import UUID

import pytest
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from adapters.db.tables import (
    assignments,
    idempotency_keys,
    ledger_accounts,
    ledger_transfers,
    notifications,
    tasks,
)
from domain.ledger import wallet_of
from entrypoints.bootstrap import Container
from tests.integration.conftest import Account, InFlight, quick_accounts

Client = Any  # an httpx.AsyncClient of the live server


async def scalar(container: Container, query: Any) -> Any:
    async with container.engine.connect() as conn:
        return (await conn.execute(query)).scalar_one()


async def publish(client: Client, admin: Account, name: str, points: int, claim_limit: int = 1) -> str:
    response = await client.post(
        "/api/tasks/", json={"name": name, "points": points, "claim_limit": claim_limit}, headers=admin.headers
    )
    assert response.status_code == 201, response.text
    slug: str = response.json()["slug"]
    return slug


async def fund(client: Client, admin: Account, member: Account, points: int) -> None:
    response = await client.post(
        f"/api/admin/users/{member.user.id}/wallet/adjust/",
        json={"points": points, "reason": "starting balance"},
        headers=admin.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["balance"] == points


async def wallet_state(container: Container, user_id: UUID) -> tuple[int, int]:
    """(the wallet's stored balance, the sum of the transfers in and out of it)."""
    wallet, t = wallet_of(user_id).id, ledger_transfers
    balance = await scalar(container, select(ledger_accounts.c.balance).where(ledger_accounts.c.id == wallet))
    received = await scalar(
        container, select(func.coalesce(func.sum(t.c.amount), 0)).where(t.c.credit_account_id == wallet)
    )
    given = await scalar(
        container, select(func.coalesce(func.sum(t.c.amount), 0)).where(t.c.debit_account_id == wallet)
    )
    return int(balance), int(received) - int(given)


def transfers_of(kind: str) -> Any:
    return select(func.count()).select_from(ledger_transfers).where(ledger_transfers.c.kind == kind)


async def test_a_hundred_members_racing_for_five_slots_get_exactly_five(
    pg_client: Client, pg_container: Container, pg_in_flight: InFlight
) -> None:
    (admin,) = await quick_accounts(pg_container, "admin", 1)
    members = await quick_accounts(pg_container, "member", 100)
    slug = await publish(pg_client, admin, "Five seats only", points=5, claim_limit=5)
    pg_in_flight.reset()

    responses = await asyncio.gather(*(pg_client.post(f"/api/tasks/{slug}/claim/", headers=m.headers) for m in members))

    assert pg_in_flight.peak >= 10, f"the claims did not overlap (peak {pg_in_flight.peak})"
    assert Counter(r.status_code for r in responses) == {201: 5, 409: 95}, [r.text for r in responses[:3]]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"task_full"}
    winners = {UUID(r.json()["user"]) for r in responses if r.status_code == 201}
    assert winners == {m.user.id for m, r in zip(members, responses, strict=True) if r.status_code == 201}

    task_id = await scalar(pg_container, select(tasks.c.id).where(tasks.c.slug == slug))
    rows = select(assignments.c.user_id).where(assignments.c.task_id == task_id)
    async with pg_container.engine.connect() as conn:
        assert {row.user_id for row in await conn.execute(rows)} == winners
    assert await scalar(pg_container, select(tasks.c.slots_taken).where(tasks.c.id == task_id)) == 5
    detail = await pg_client.get(f"/api/tasks/{slug}/", headers=admin.headers)
    assert detail.json()["slots_left"] == 0
    board = await pg_client.get("/api/tasks/", headers=members[0].headers)
    assert slug not in [t["slug"] for t in board.json()["items"]]


async def test_fifty_concurrent_approvals_credit_once(
    pg_client: Client, pg_container: Container, pg_in_flight: InFlight
) -> None:
    (admin,) = await quick_accounts(pg_container, "admin", 1)
    (member,) = await quick_accounts(pg_container, "member", 1)
    slug = await publish(pg_client, admin, "Approve me once", points=7)
    claimed = await pg_client.post(f"/api/tasks/{slug}/claim/", headers=member.headers)
    assert claimed.status_code == 201, claimed.text
    assignment_id = claimed.json()["id"]
    submitted = await pg_client.post(
        f"/api/assignments/{assignment_id}/submit/", json={"note": "done"}, headers=member.headers
    )
    assert submitted.status_code == 200, submitted.text
    pg_in_flight.reset()

    responses = await asyncio.gather(
        *(pg_client.post(f"/api/assignments/{assignment_id}/approve/", headers=admin.headers) for _ in range(50))
    )

    assert pg_in_flight.peak >= 10, f"the approvals did not overlap (peak {pg_in_flight.peak})"
    assert Counter(r.status_code for r in responses) == {200: 1, 409: 49}, [r.text for r in responses[:3]]
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"wrong_state"}
    assert next(r for r in responses if r.status_code == 200).json()["status"] == "approved"

    assert await scalar(pg_container, transfers_of("reward")) == 1
    assert await wallet_state(pg_container, member.user.id) == (7, 7)
    wallet = await pg_client.get("/api/wallet/", headers=member.headers)
    assert wallet.json() == {"balance": 7, "earned": 7, "redeemed": 0}
    told = select(func.count()).select_from(notifications).where(notifications.c.kind == "claim_approved")
    assert await scalar(pg_container, told) == 1


async def test_concurrent_redemptions_never_overdraw(
    pg_client: Client, pg_container: Container, pg_in_flight: InFlight
) -> None:
    (admin,) = await quick_accounts(pg_container, "admin", 1)
    (member,) = await quick_accounts(pg_container, "member", 1)
    await fund(pg_client, admin, member, 100)
    amounts = list(range(3, 23))  # twenty requests asking for 250 points in all
    pg_in_flight.reset()

    responses = await asyncio.gather(
        *(
            pg_client.post(
                "/api/wallet/redeem/",
                json={"points": points, "note": f"prize {n}"},
                headers={**member.headers, "Idempotency-Key": f"prize-{n}"},
            )
            for n, points in enumerate(amounts)
        )
    )

    assert pg_in_flight.peak >= 5, f"the redemptions did not overlap (peak {pg_in_flight.peak})"
    assert {r.status_code for r in responses} <= {201, 409}, [r.text for r in responses]
    assert {r.json()["code"] for r in responses if r.status_code == 409} <= {"insufficient_points"}
    won = [(points, r.json()) for points, r in zip(amounts, responses, strict=True) if r.status_code == 201]
    refused = [points for points, r in zip(amounts, responses, strict=True) if r.status_code == 409]
    spent = sum(points for points, _ in won)
    assert won
    assert refused
    assert spent <= 100

    balance, ledger_sum = await wallet_state(pg_container, member.user.id)
    assert balance == ledger_sum == 100 - spent >= 0
    # The balance only goes down, so every refusal must still be unaffordable at the end.
    assert balance < min(refused)
    # Each success saw the balance left by the one before it: no update was lost.
    left = 100
    for points, body in sorted(won, key=lambda w: -w[1]["balance"]):
        left -= points
        assert body["balance"] == left
        assert body["entry"]["points"] == -points
    wallet = await pg_client.get("/api/wallet/", headers=member.headers)
    assert wallet.json() == {"balance": balance, "earned": 0, "redeemed": spent}


async def test_concurrent_redemptions_with_one_key_debit_once(
    pg_client: Client, pg_container: Container, pg_in_flight: InFlight
) -> None:
    (admin,) = await quick_accounts(pg_container, "admin", 1)
    (member,) = await quick_accounts(pg_container, "member", 1)
    await fund(pg_client, admin, member, 100)
    headers = {**member.headers, "Idempotency-Key": "one-coffee"}
    pg_in_flight.reset()

    responses = await asyncio.gather(
        *(
            pg_client.post("/api/wallet/redeem/", json={"points": 30, "note": "coffee"}, headers=headers)
            for _ in range(20)
        )
    )

    assert pg_in_flight.peak >= 5, f"the redemptions did not overlap (peak {pg_in_flight.peak})"
    # Every answer is the first one, status included; the replays say so in a header.
    assert Counter(r.status_code for r in responses) == {201: 20}, [r.text for r in responses]
    assert Counter(r.headers.get("idempotent-replayed") for r in responses) == {None: 1, "true": 19}
    assert len({r.content for r in responses}) == 1
    assert responses[0].json()["balance"] == 70
    assert await scalar(pg_container, transfers_of("redemption")) == 1
    assert await scalar(pg_container, select(func.count()).select_from(idempotency_keys)) == 1
    assert await wallet_state(pg_container, member.user.id) == (70, 70)


async def test_a_member_racing_to_claim_two_tasks_holds_one(
    pg_client: Client, pg_container: Container, pg_in_flight: InFlight
) -> None:
    (admin,) = await quick_accounts(pg_container, "admin", 1)
    members = await quick_accounts(pg_container, "member", 20)
    first = await publish(pg_client, admin, "First errand", points=1, claim_limit=100)
    second = await publish(pg_client, admin, "Second errand", points=1, claim_limit=100)
    pg_in_flight.reset()

    # Every member claims both at once; twenty members make the race on each one likely to be real.
    responses = await asyncio.gather(
        *(pg_client.post(f"/api/tasks/{slug}/claim/", headers=m.headers) for m in members for slug in (first, second))
    )

    assert pg_in_flight.peak >= 10, f"the claims did not overlap (peak {pg_in_flight.peak})"
    for n, member in enumerate(members):
        pair = responses[2 * n : 2 * n + 2]
        assert sorted(r.status_code for r in pair) == [201, 409], [r.text for r in pair]
        loser = next(r for r in pair if r.status_code == 409)
        assert loser.json()["code"] == "active_claim_held"
        mine = await pg_client.get("/api/assignments/?status=in_progress", headers=member.headers)
        assert len(mine.json()["items"]) == 1

    per_user = (
        select(assignments.c.user_id, func.count().label("held"))
        .where(assignments.c.status == "in_progress")
        .group_by(assignments.c.user_id)
    )
    async with pg_container.engine.connect() as conn:
        held = {row.user_id: row.held for row in await conn.execute(per_user)}
        slots = {row.slug: row.slots_taken for row in await conn.execute(select(tasks.c.slug, tasks.c.slots_taken))}
    assert held == {m.user.id: 1 for m in members}
    assert slots[first] + slots[second] == 20


async def test_the_database_itself_refuses_to_break_the_invariants(pg_client: Client, pg_container: Container) -> None:
    (admin,) = await quick_accounts(pg_container, "admin", 1)
    (member,) = await quick_accounts(pg_container, "member", 1)
    await fund(pg_client, admin, member, 10)
    slug = await publish(pg_client, admin, "Constrained", points=3, claim_limit=2)
    claimed = await pg_client.post(f"/api/tasks/{slug}/claim/", headers=member.headers)
    assert claimed.status_code == 201
    task_id = await scalar(pg_container, select(tasks.c.id).where(tasks.c.slug == slug))
    entry_id = await scalar(pg_container, select(ledger_transfers.c.id).where(ledger_transfers.c.kind == "adjustment"))

    async def refused(statement: Any, error: type[Exception], message: str) -> None:
        async with pg_container.engine.connect() as conn:
            with pytest.raises(error, match=message):
                await conn.execute(statement)
            await conn.rollback()

    entry = ledger_transfers.c.id == entry_id
    await refused(update(ledger_transfers).where(entry).values(amount=1000), DBAPIError, "immutable")
    await refused(update(ledger_transfers).where(entry).values(reason="edited"), DBAPIError, "immutable")
    await refused(delete(ledger_transfers).where(entry), DBAPIError, "immutable")
    await refused(delete(ledger_transfers), DBAPIError, "immutable")
    await refused(
        update(tasks).where(tasks.c.id == task_id).values(slots_taken=tasks.c.claim_limit + 1),
        IntegrityError,
        "ck_tasks_slots_within_limit",
    )
    await refused(
        update(tasks).where(tasks.c.id == task_id).values(claim_limit=0),
        IntegrityError,
        "ck_tasks_",
    )
    wallet = ledger_accounts.c.id == wallet_of(member.user.id).id
    await refused(
        update(ledger_accounts).where(wallet).values(balance=-1),
        IntegrityError,
        "ck_ledger_accounts_wallet_not_negative",
    )
    escrow = ledger_accounts.c.kind == "escrow"
    await refused(
        update(ledger_accounts).where(escrow).values(balance=-1),
        IntegrityError,
        "ck_ledger_accounts_reserve_not_negative",
    )
    treasury = await scalar(pg_container, select(ledger_accounts.c.id).where(ledger_accounts.c.kind == "treasury"))
    assignment_id = UUID(claimed.json()["id"])
    twice = {
        "debit_account_id": treasury,
        "credit_account_id": wallet_of(member.user.id).id,
        "kind": "reward",
        "amount": 3,
        "reason": "again",
        "reference": "x",
        "assignment_id": assignment_id,
        "created_at": pg_container.clock.now(),
    }
    async with pg_container.engine.begin() as conn:
        await conn.execute(insert(ledger_transfers).values(id=UUID(int=1), **twice))
    await refused(
        insert(ledger_transfers).values(id=UUID(int=2), **twice), IntegrityError, "uq_ledger_transfers_one_reward"
    )
    for shape in ({"amount": 0}, {"credit_account_id": treasury}, {"kind": "reward", "assignment_id": None}):
        bad = {**twice, "kind": "adjustment", "assignment_id": None, **shape}
        await refused(insert(ledger_transfers).values(id=UUID(int=3), **bad), IntegrityError, "ck_ledger_transfers_")

    async with pg_container.engine.connect() as conn:
        row = (await conn.execute(select(ledger_transfers).where(entry))).one()
    assert (row.amount, row.kind) == (10, "adjustment")
    assert await scalar(pg_container, select(tasks.c.slots_taken).where(tasks.c.id == task_id)) == 1
    assert await scalar(pg_container, select(ledger_accounts.c.balance).where(wallet)) == 10


async def test_a_burst_of_wrong_passwords_cannot_slip_past_the_account_limit(
    pg_client: Client, pg_container: Container, pg_in_flight: InFlight
) -> None:
    from tests.integration.conftest import PASSWORD, add_account

    victim = await add_account(pg_container, pg_client, "member", "victim@race.test")  # type: ignore[arg-type]
    pg_in_flight.reset()
    body = {"email": victim.user.email, "password": "not-the-password-1"}
    responses = await asyncio.gather(*(pg_client.post("/api/auth/login/", json=body) for _ in range(40)))

    assert pg_in_flight.peak >= 5, f"the logins did not overlap (peak {pg_in_flight.peak})"
    codes = Counter(r.status_code for r in responses)
    assert set(codes) <= {401, 429}
    # One success earlier gave its count back, so exactly five wrong passwords reach the check in this minute.
    assert codes[401] == 5, codes
    locked_out = await pg_client.post("/api/auth/login/", json={"email": victim.user.email, "password": PASSWORD})
    assert locked_out.status_code == 429


async def test_projects_and_tasks_created_at_once_with_one_name_all_get_their_own_slug(
    pg_client: Client, pg_container: Container, pg_in_flight: InFlight
) -> None:
    [manager] = await quick_accounts(pg_container, "manager", 1)
    [admin] = await quick_accounts(pg_container, "admin", 1)
    pg_in_flight.reset()
    projects = await asyncio.gather(
        *(pg_client.post("/api/projects/", json={"name": "Race Project"}, headers=manager.headers) for _ in range(8))
    )
    tasks = await asyncio.gather(
        *(pg_client.post("/api/tasks/", json={"name": "Race Task"}, headers=admin.headers) for _ in range(8))
    )
    assert [r.status_code for r in projects + tasks] == [201] * 16, [r.text for r in projects + tasks]
    assert len({r.json()["slug"] for r in projects}) == 8
    assert len({r.json()["slug"] for r in tasks}) == 8
    assert "race-project" in {r.json()["slug"] for r in projects}
