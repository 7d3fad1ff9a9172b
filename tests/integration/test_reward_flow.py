"""The reward flow through the API alone: publish, race to claim, review, credit, redeem once."""

from __future__ import annotations

import asyncio
from typing import Any

from litestar.testing import AsyncTestClient


async def test_publish_claim_review_credit_and_redeem_once(client: AsyncTestClient[Any], accounts: Any) -> None:
    admin = await accounts("admin")
    members = [await accounts("member") for _ in range(3)]

    created = await client.post(
        "/api/tasks/",
        json={"name": "Write the onboarding guide", "points": 10, "claim_limit": 2},
        headers=admin.headers,
    )
    assert created.status_code == 201, created.text
    slug = created.json()["slug"]
    assert created.json()["slots_left"] == 2
    other = await client.post("/api/tasks/", json={"name": "Another task", "points": 3}, headers=admin.headers)
    assert other.status_code == 201

    claims = await asyncio.gather(*(client.post(f"/api/tasks/{slug}/claim/", headers=m.headers) for m in members))
    codes = sorted(r.status_code for r in claims)
    assert codes == [201, 201, 409]
    loser = next(r for r in claims if r.status_code == 409)
    assert loser.json()["code"] == "task_full"
    winners = [(m, r.json()) for m, r in zip(members, claims, strict=True) if r.status_code == 201]

    listed = await client.get("/api/tasks/", headers=members[2].headers)
    assert slug not in [t["slug"] for t in listed.json()["items"]]

    second, second_assignment = winners[1]
    blocked = await client.post(f"/api/tasks/{other.json()['slug']}/claim/", headers=second.headers)
    assert blocked.status_code == 409
    assert blocked.json()["code"] == "active_claim_held"

    for member, assignment in winners:
        submitted = await client.post(
            f"/api/assignments/{assignment['id']}/submit/", json={"note": "done"}, headers=member.headers
        )
        assert submitted.status_code == 200, submitted.text
        assert submitted.json()["status"] == "submitted"

    queue = await client.get("/api/assignments/review/", headers=admin.headers)
    assert [a["id"] for a in queue.json()["items"]] == [a["id"] for _, a in winners]

    first, first_assignment = winners[0]
    approved = await client.post(f"/api/assignments/{first_assignment['id']}/approve/", headers=admin.headers)
    assert approved.status_code == 200, approved.text
    rejected = await client.post(
        f"/api/assignments/{second_assignment['id']}/reject/",
        json={"feedback": "Missing the setup section"},
        headers=admin.headers,
    )
    assert rejected.status_code == 200
    assert rejected.json()["feedback"] == "Missing the setup section"

    wallet = await client.get("/api/wallet/", headers=first.headers)
    assert wallet.json() == {"balance": 10, "earned": 10, "redeemed": 0}
    notes = await client.get("/api/notifications/", headers=first.headers)
    assert notes.json()["items"][0]["kind"] == "claim_approved"
    assert "10 points" in notes.json()["items"][0]["text"]
    rejected_notes = await client.get("/api/notifications/?unread=true", headers=second.headers)
    assert rejected_notes.json()["items"][0]["kind"] == "claim_rejected"

    headers = {**first.headers, "Idempotency-Key": "redeem-coffee-1"}
    once = await client.post("/api/wallet/redeem/", json={"points": 4, "note": "coffee"}, headers=headers)
    again = await client.post("/api/wallet/redeem/", json={"points": 4, "note": "coffee"}, headers=headers)
    assert once.status_code == 201, once.text
    assert "idempotent-replayed" not in once.headers
    # A replay answers what the first request got, its status included, and says it is a replay.
    assert (again.status_code, again.headers["idempotent-replayed"]) == (201, "true")
    assert again.json() == once.json()
    different = await client.post("/api/wallet/redeem/", json={"points": 5, "note": "coffee"}, headers=headers)
    assert different.status_code == 409
    wallet = await client.get("/api/wallet/", headers=first.headers)
    assert wallet.json() == {"balance": 6, "earned": 10, "redeemed": 4}
    history = await client.get("/api/wallet/transactions/", headers=first.headers)
    assert [(e["kind"], e["points"]) for e in history.json()["items"]] == [("redemption", -4), ("reward", 10)]


async def test_a_redemption_needs_a_usable_idempotency_key(client: AsyncTestClient[Any], accounts: Any) -> None:
    member = await accounts("member")
    for headers in ({}, {"Idempotency-Key": "   "}, {"Idempotency-Key": "k" * 201}):
        response = await client.post("/api/wallet/redeem/", json={"points": 1}, headers={**member.headers, **headers})
        assert response.status_code == 400, (headers, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["errors"] == [
            {"field": "Idempotency-Key", "message": "Send an Idempotency-Key header of 1 to 200 characters."}
        ]
    wallet = await client.get("/api/wallet/", headers=member.headers)
    assert wallet.json() == {"balance": 0, "earned": 0, "redeemed": 0}
