"""The journeys through the pages alone: sign up by emailed code, run a project, claim, review, get paid, redeem."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from litestar.testing import AsyncTestClient
from PIL import Image

from entrypoints.bootstrap import Container
from tests.integration.conftest import PASSWORD, SmtpInbox, text_part
from tests.integration.test_tracker_flow import invitation_token
from tests.integration.web import Person, signed_in

Client = AsyncTestClient[Any]


async def sign_up(client: Client, smtp: SmtpInbox, email: str, name: str, *, manager: bool = False) -> Person:
    person = Person(client)
    await person.get("/signup/")
    step = await person.post("/signup/code/", {"email": email})
    assert step.status_code == 200, step.text
    for label in ("Code", "Full name", "Password", "I manage projects", "Create account"):
        assert label in step.text
    person.token = re.findall(r'name="_csrf_token" value="([^"]+)"', step.text)[0]
    message = text_part(await smtp.wait_for(email))
    assert "/signup/" in message
    code = re.search(r"\b(\d{6})\b", message)
    assert code is not None
    fields = {"email": email, "otp": code.group(1), "full_name": name, "password": "password"}
    if manager:
        fields["manager"] = "yes"
    weak = await person.post("/signup/", fields)
    assert weak.status_code == 400
    assert "too common" in weak.text
    assert 'name="otp"' not in weak.text  # the code was spent once; the page does not ask for it again
    created = await person.post("/signup/", {**fields, "otp": "", "password": f"{name} pass 2025"})
    assert created.status_code == 303, created.text
    home = await person.follow(created)
    assert f"Welcome, {name}!" in home.text
    return person


def first(pattern: str, html: str) -> str:
    found = re.search(pattern, html)
    assert found is not None, (pattern, html[:3000])
    return found.group(1)


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 40, 40)).save(buffer, "PNG")
    return buffer.getvalue()


async def test_a_project_from_sign_up_to_payment_through_the_pages(
    client: Client, smtp: SmtpInbox, container: Container, accounts: Any
) -> None:
    maya = await sign_up(client, smtp, "maya@flow.test", "Maya", manager=True)
    assert "Create project" in (await maya.get("/projects/")).text
    soon = (datetime.now(UTC) + timedelta(days=5)).date().isoformat()
    created = await maya.post("/projects/", {"name": "Garden", "due_date": soon})
    assert created.status_code == 303
    assert created.headers["location"] == "/projects/garden/"
    project = await maya.follow(created)
    assert "Project “Garden” created." in project.text
    admin = await accounts("admin", "root@flow.test")
    grant = {"points": 10, "reason": "Garden budget"}  # what the two tasks with points below reserve
    funded = await client.post("/api/admin/projects/garden/budget/", json=grant, headers=admin.headers)
    assert funded.status_code == 201, funded.text

    invited = await maya.post(
        "/projects/garden/invites/", {"emails": "nina@flow.test, omar@flow.test", "role": "member"}
    )
    assert "Invitation sent to nina@flow.test, omar@flow.test." in (await maya.follow(invited)).text
    await smtp.wait_for("omar@flow.test")
    pending = (await maya.get("/projects/garden/")).text
    assert len(re.findall(r'action="/projects/garden/invites/[0-9a-f-]{36}/revoke/"', pending)) == 2
    omar_row = pending[pending.index("<td>omar@flow.test</td>") :]
    revoked = await maya.post(first(r'action="(/projects/garden/invites/[0-9a-f-]{36}/revoke/)"', omar_row), {})
    assert "The invitation for omar@flow.test is revoked." in (await maya.follow(revoked)).text

    await smtp.wait_for("nina@flow.test")  # each invitation is its own delivery: they arrive in any order
    token = invitation_token(smtp, "nina@flow.test")
    nina = Person(client)
    await nina.get(f"/invite_register/?token={token}")
    joined = await nina.post("/invite_register/", {"token": token, "full_name": "Nina", "password": "nina garden pass"})
    assert joined.status_code == 303
    assert joined.headers["location"] == "/projects/garden/"
    assert "Welcome to Garden: you joined as a member." in (await nina.follow(joined)).text  # signed in at once

    image = {"image": ("weeds.png", png(), "image/png")}
    task_form = {"_csrf_token": maya.token, "name": "Pull the weeds", "points": "7", "claim_hours": "2"}
    made = await maya.request("POST", "/projects/garden/tasks/", data=task_form, files=image)
    assert made.status_code == 303, made.text
    assert "Task “Pull the weeds” created." in (await maya.follow(made)).text
    second = await maya.post("/projects/garden/tasks/", {"name": "Water the roses", "points": "3"})
    assert second.status_code == 303
    bad = await maya.post("/projects/garden/tasks/", {"name": "Too rich", "points": "-4"})
    assert bad.status_code == 400
    assert "Points must be at least 0." in bad.text
    assert 'value="Too rich"' in bad.text  # what was typed is kept

    task_page = (await maya.get("/tasks/pull-the-weeds/")).text
    assert "/media/tasks/" in task_page
    assert "2.0 hours" in task_page
    project_page = (await maya.get("/projects/garden/")).text
    nina_id = first(r'<option value="([0-9a-f-]{36})">Nina \(nina@flow.test\)</option>', project_page)
    assigned = await maya.post("/tasks/water-the-roses/assign/", {"user_id": nina_id, "back": "/projects/garden/"})
    assert "Assigned" in (await maya.follow(assigned)).text
    assigned_mail = text_part(await smtp.wait_for("nina@flow.test", 2))
    assert "/tasks/water-the-roses/" in assigned_mail

    board = (await nina.get("/tasks/")).text
    assert "Pull the weeds" in board
    assert "My claim in progress" in board  # the assigned task is in progress already
    claimed = await nina.post("/tasks/pull-the-weeds/claim/", {"back": "/tasks/"})
    assert "Claimed." in (await nina.follow(claimed)).text
    again = await nina.post("/tasks/pull-the-weeds/claim/", {"back": "/tasks/"})
    assert "already" in (await nina.follow(again)).text.lower()
    work = (await nina.get("/work/?status=in_progress")).text
    submit_paths = re.findall(r'action="(/work/[0-9a-f-]{36}/submit/)"', work)
    assert len(submit_paths) == 2
    for path in submit_paths:
        done = await nina.post(path, {"note": "all done, see the shed", "back": "/work/"})
        assert "Submitted for review" in (await nina.follow(done)).text
    assert (await maya.post("/projects/garden/tasks/", {"name": "Rake the leaves"})).status_code == 303
    await nina.post("/tasks/rake-the-leaves/claim/", {"back": "/tasks/rake-the-leaves/"})
    task_page = (await nina.get("/tasks/rake-the-leaves/")).text
    released = await nina.post(first(r'action="(/work/[0-9a-f-]{36}/release/)"', task_page), {"back": "/work/"})
    assert "Released: the task is free for someone else." in (await nina.follow(released)).text
    assert "Rake the leaves" in (await nina.get("/work/?status=released")).text
    assert "Rake the leaves" not in (await nina.get("/work/?status=in_progress")).text

    queue = (await maya.get("/review/")).text
    assert "all done, see the shed" in queue
    # Oldest submission first: /work/ lists the newest claim first, and was submitted in that order.
    assert queue.index("Pull the weeds") < queue.index("Water the roses")
    approve = first(r'action="(/review/[0-9a-f-]{36}/approve/)"', queue[queue.index("Pull the weeds") :])
    reject = first(r'hx-post="(/review/[0-9a-f-]{36}/reject/)"', queue[queue.index("Water the roses") :])
    no_feedback = await maya.post(reject, {"feedback": ""})
    assert "Feedback is required." in (await maya.follow(no_feedback)).text
    rejected = await maya.post(reject, {"feedback": "The roses are still dry."})
    assert "Rejected" in (await maya.follow(rejected)).text
    approved = await maya.post(approve, {"feedback": "Lovely"})
    assert "Approved" in (await maya.follow(approved)).text

    notifications = (await nina.get("/notifications/")).text
    assert "was approved: 7 points credited." in notifications
    assert "The roses are still dry." in notifications
    assert '<span class="badge">' in notifications
    wallet = (await nina.get("/wallet/")).text
    assert re.search(r'id="balance">7<', wallet)
    assert "Approved: Pull the weeds" in wallet
    work = (await nina.get("/work/")).text
    assert "The roses are still dry." in work
    assert "Lovely" in work
    marked = await nina.post("/notifications/read-all/", {})
    assert "Marked" in (await nina.follow(marked)).text
    assert '<span class="badge">' not in (await nina.get("/notifications/")).text

    home = (await maya.get("/")).text
    due_soon = home[home.index("Projects due soon") :]
    assert f"Garden</a>: due {soon}" in due_soon


async def test_redeeming_twice_from_one_form_debits_once(client: Client, accounts: Any, container: Container) -> None:
    admin = await accounts("admin", "root@redeem.test")
    member = await accounts("member", "spender@redeem.test")
    adjusted = await client.post(
        f"/api/admin/users/{member.user.id}/wallet/adjust/",
        json={"points": 10, "reason": "welcome"},
        headers=admin.headers,
    )
    assert adjusted.status_code in (200, 201), adjusted.text
    person = await signed_in(client, member.user.email)
    form = (await person.get("/wallet/")).text
    key = first(r'name="idempotency_key" value="([0-9a-f]+)"', form)
    fields = {"points": "4", "note": "coffee", "idempotency_key": key}
    first_click = await person.post("/wallet/redeem/", fields)
    second_click = await person.post("/wallet/redeem/", fields)
    assert first_click.status_code == second_click.status_code == 303
    wallet = await client.get("/api/wallet/", headers=member.headers)
    assert wallet.json() == {"balance": 6, "earned": 0, "redeemed": 4}
    page = (await person.get("/wallet/")).text
    assert first(r'name="idempotency_key" value="([0-9a-f]+)"', page) != key  # a new form, a new key
    too_much = await person.post("/wallet/redeem/", {"points": "60", "idempotency_key": "other-key"})
    assert "enough" in (await person.follow(too_much)).text.lower()
    missing = await person.post("/wallet/redeem/", {"points": "1"})
    assert "reload the page" in (await person.follow(missing)).text
    assert (await client.get("/api/wallet/", headers=member.headers)).json()["balance"] == 6


async def test_an_existing_account_joins_from_the_invitation_and_stays_signed_in(
    client: Client, smtp: SmtpInbox, accounts: Any
) -> None:
    manager = await accounts("manager", "lead@join.test")
    omar = await accounts("member", "omar@join.test")
    slug = (await client.post("/api/projects/", json={"name": "Bridge"}, headers=manager.headers)).json()["slug"]
    sent = await client.post(
        f"/api/projects/{slug}/invites/", json={"emails": [omar.user.email]}, headers=manager.headers
    )
    assert sent.status_code == 201
    await smtp.wait_for(omar.user.email)
    token = invitation_token(smtp, omar.user.email)
    person = Person(client)
    page = await person.get(f"/invite_register/?token={token}")
    assert "You already have an account" in page.text
    joined = await person.post("/invite_register/", {"token": token, "password": PASSWORD})
    assert joined.headers["location"] == f"/projects/{slug}/"
    assert (await person.get(f"/projects/{slug}/")).status_code == 200


async def test_the_emails_link_to_their_pages(client: Client, smtp: SmtpInbox, accounts: Any) -> None:
    member = await accounts("member", "known@links.test")
    person = Person(client)
    await person.get("/signup/")
    await person.post("/signup/code/", {"email": member.user.email})
    assert "/signin/" in text_part(await smtp.wait_for(member.user.email))
