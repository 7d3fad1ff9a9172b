"""What admins do in the panel: publish a task with an image, edit, close, reopen and delete it, see its
assignments, review one or many submissions, and follow a member's history as it changes."""

from __future__ import annotations

import io
import re
from typing import Any

from litestar.testing import AsyncTestClient
from PIL import Image

from tests.integration.admin_seed import claim_and_submit, ok, seed
from tests.integration.test_pages import assert_html
from tests.integration.web import signed_in

Client = AsyncTestClient[Any]


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 160, 90)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_an_admin_publishes_edits_closes_and_deletes_a_task(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    admin = await signed_in(client, world.admin.user.email)
    await admin.get("/admin/tasks/")
    fields = {"name": "Paint the fence", "description": "Two coats.", "points": "8", "claim_limit": "2"}
    files = {"image": ("fence.png", png(), "image/png")}
    created = await admin.post("/admin/tasks/", {**fields, "claim_hours": "4"}, files=files)
    assert created.status_code == 303, created.text[:500]
    assert created.headers["location"] == "/admin/tasks/paint-the-fence/"
    page = await admin.follow(created)
    assert "Task “Paint the fence” created." in page.text
    thumbnail = re.search(r'src="(/media/[^"]+)" alt="Thumbnail of Paint the fence"', page.text)
    assert thumbnail is not None
    assert (await client.get(thumbnail.group(1))).headers["content-type"].startswith("image/")
    listed = (await admin.get("/admin/tasks/?where=board")).text
    assert 'alt="Thumbnail of Paint the fence"' in listed
    task = await ok(await client.get("/api/tasks/paint-the-fence/", headers=world.member.headers))
    assert (task["project"], task["points"], task["claim_limit"], task["claim_duration_seconds"]) == (None, 8, 2, 14400)

    in_project = await admin.post("/admin/tasks/", {"name": "Prune", "project": world.project})
    assert in_project.status_code == 303
    assert (await ok(await client.get("/api/tasks/prune/", headers=world.manager.headers)))["project"] == world.project
    for bad, problem in (
        ({"name": "", "points": "3"}, "Name is required."),
        ({"name": "X", "points": "-1"}, "Points must be at least 0."),
    ):
        refused = await admin.post("/admin/tasks/", bad)
        assert_html(refused, 400)
        assert problem in refused.text

    edit = {"name": "Paint the whole fence", "description": "", "points": "9", "claim_limit": "3", "due_date": ""}
    saved = await admin.post("/admin/tasks/paint-the-fence/", {**edit, "claim_hours": ""})
    assert "saved" in (await admin.follow(saved)).text
    task = await ok(await client.get("/api/tasks/paint-the-fence/", headers=world.member.headers))
    assert (task["name"], task["description"], task["points"], task["claim_duration_seconds"]) == (
        "Paint the whole fence",
        "",
        9,
        None,
    )

    closed = await admin.post("/admin/tasks/paint-the-fence/close/")
    assert "is closed" in (await admin.follow(closed)).text
    assert (await ok(await client.get("/api/tasks/paint-the-fence/", headers=world.member.headers)))["is_open"] is False
    reopened = await admin.post("/admin/tasks/paint-the-fence/reopen/")
    assert "open again" in (await admin.follow(reopened)).text
    claim = await claim_and_submit(client, world.manager, "paint-the-fence")
    assert world.manager.user.full_name in (await admin.get("/admin/tasks/paint-the-fence/")).text
    assert claim

    deleted = await admin.post("/admin/tasks/paint-the-fence/delete/")
    assert deleted.headers["location"] == "/admin/tasks/"
    assert (await client.get("/api/tasks/paint-the-fence/", headers=world.member.headers)).status_code == 404
    assert_html(await admin.get("/admin/tasks/paint-the-fence/"), 404)


async def test_bulk_approval_reports_each_submission(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    other = await accounts("member", "omar@admin.test")
    board = await client.post(
        "/api/tasks/", json={"name": "Fold chairs", "points": 2, "claim_limit": 2}, headers=world.admin.headers
    )
    chairs = (await ok(board, 201))["slug"]
    omars = await claim_and_submit(client, other, chairs)
    early = await claim_and_submit(client, world.manager, chairs)
    await ok(await client.post(f"/api/assignments/{early}/approve/", headers=world.admin.headers))
    admin = await signed_in(client, world.admin.user.email)
    queue = await admin.get("/admin/review/")
    assert queue.text.count('name="assignment_id"') == 2

    missing = "01a23600-0000-7000-8000-000000000000"
    chosen = [world.submitted, omars, early, missing]
    response = await admin.post("/admin/review/approve/", {"assignment_id": chosen})
    assert response.status_code == 303
    page = (await admin.follow(response)).text
    assert "Approved: “Sweep the hall” by Nina." in page
    assert "Approved: “Fold chairs” by Omar." in page
    assert "Not approved: “Fold chairs” by Maya. The assignment is approved." in page
    assert "Not approved: A submission that no longer exists. No such assignment." in page
    assert "Nothing is waiting for review." in page
    for member, points in ((world.member, 5), (other, 2)):
        assert (await ok(await client.get("/api/wallet/", headers=member.headers)))["balance"] == points
    nothing = await admin.post("/admin/review/approve/", {})
    assert "Tick at least one submission" in (await admin.follow(nothing)).text


async def test_the_member_history_follows_review_and_wallet(client: Client, accounts: Any) -> None:
    world = await seed(client, accounts)
    admin = await signed_in(client, world.admin.user.email)
    person = f"/admin/users/{world.member.user.id}/"
    before = (await admin.get(person)).text
    assert 'id="earned">0</p>' in before
    assert "Sweep the hall" in before
    assert "Submitted" in before

    await admin.get("/admin/review/")
    rejected = await admin.post(f"/admin/review/{world.submitted}/reject/", {"feedback": ""})
    assert "Feedback is required." in (await admin.follow(rejected)).text
    approved = await admin.post(f"/admin/review/{world.submitted}/approve/", {"feedback": "Spotless"})
    assert "Approved: the points are credited." in (await admin.follow(approved)).text

    after = (await admin.get(person)).text
    assert 'id="earned">5</p>' in after
    assert 'id="balance">5</p>' in after
    assert "Spotless" in after
    ledger = (await admin.get(person + "?tab=ledger")).text
    assert "Approved: Sweep the hall" in ledger
    assert "+5" in ledger
    only_approved = (await admin.get(person + "?status=approved")).text
    assert "Sweep the hall" in only_approved
    assert "Sweep the hall" not in (await admin.get(person + "?status=rejected")).text
    assert (await admin.get(person + "?tab=nonsense")).status_code == 400
    assert_html(await admin.get("/admin/users/01a23600-0000-7000-8000-000000000000/"), 404)
