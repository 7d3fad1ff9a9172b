"""Accounts over HTTP on both databases, emails on real SMTP, the clock injected: two-factor, password reset,
sessions, profile and the digest at each zone's midnight, email change, closing an account."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pyotp
from sqlalchemy import func, select

from adapters.db.tables import audit_log, ledger_transfers, users
from domain.users import Role, User
from tests.integration.conftest import PASSWORD, Account, text_part
from tests.integration.test_scheduled_jobs import App, app  # noqa: F401 - the fixture

AUTH = "/api/auth"


async def person(app: App, email: str, role: Role = Role.MEMBER) -> Account:  # noqa: F811
    identity = app.container.identity
    user = User(email, email.split("@")[0].title(), role, await identity.hasher.hash(PASSWORD), app.clock.now())
    async with identity.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    return await sign_in(app, email)


async def sign_in(app: App, email: str, totp: str | None = None, expect: int = 200) -> Any:  # noqa: F811
    body = {"email": email, "password": PASSWORD, **({"totp": totp} if totp else {})}
    response = await app.client.post(f"{AUTH}/login/", json=body)
    assert response.status_code == expect, response.text
    if expect != 200:
        return response.json()
    pair = response.json()
    async with app.container.uow() as uow:
        user = await uow.users.get_by_email(email)
    return Account(user=user, access=pair["access"], refresh=pair["refresh"])


async def with_two_factor(app: App, email: str) -> tuple[Account, pyotp.TOTP, list[str]]:  # noqa: F811
    me = await person(app, email)
    shown = await app.call("POST", f"{AUTH}/2fa/setup/", me)
    assert shown["uri"].startswith("otpauth://totp/")
    assert shown["qr_svg"].startswith("<svg")
    totp = pyotp.TOTP(shown["secret"])
    codes = (await app.call("POST", f"{AUTH}/2fa/enable/", me, code=totp.at(app.clock.now())))["recovery_codes"]
    app.clock.advance(timedelta(seconds=30))
    return me, totp, codes


async def test_a_totp_code_is_refused_when_replayed(app: App) -> None:  # noqa: F811
    me, totp, _ = await with_two_factor(app, "otp@accounts.test")
    assert (await app.call("GET", f"{AUTH}/me/", me))["totp_enabled"] is True
    async with app.container.engine.connect() as conn:
        sealed = (await conn.execute(select(users.c.totp_secret).where(users.c.id == me.user.id))).scalar_one()
    assert totp.secret not in sealed  # encrypted at rest

    missing = await sign_in(app, me.user.email, expect=401)
    assert missing["code"] == "totp_required"
    code = totp.at(app.clock.now())
    await sign_in(app, me.user.email, code)
    replayed = await sign_in(app, me.user.email, code, expect=401)
    assert replayed["code"] == "totp_required"


async def test_a_recovery_code_works_once(app: App) -> None:  # noqa: F811
    me, _, codes = await with_two_factor(app, "recovery@accounts.test")
    assert len(codes) == 10
    await sign_in(app, me.user.email, codes[3])
    assert (await sign_in(app, me.user.email, codes[3], expect=401))["code"] == "totp_required"
    used = select(func.count()).select_from(audit_log).where(audit_log.c.action == "account.recovery_code_used")
    assert len(await app.rows(used)) == 1


async def test_enabling_two_factor_ends_the_other_sessions_and_an_admin_can_reset_it(app: App) -> None:  # noqa: F811
    other = await person(app, "devices@accounts.test")
    me, _, _ = await with_two_factor(app, "devices2@accounts.test")
    admin = await person(app, "root@accounts.test", Role.ADMIN)
    await app.call("POST", f"/api/admin/users/{me.user.id}/2fa/reset/", admin)
    await app.call("GET", f"{AUTH}/me/", me, expect=401)  # reset ends every sign-in of the account
    await sign_in(app, me.user.email)
    assert other.user.id != me.user.id
    rows = await app.rows(select(audit_log.c.actor_id).where(audit_log.c.action == "account.two_factor_reset"))
    assert [r.actor_id for r in rows] == [admin.user.id]


async def test_a_reset_link_works_once_and_expires(app: App) -> None:  # noqa: F811
    me = await person(app, "forgot@accounts.test")
    unknown = await app.client.post(f"{AUTH}/password/forgot/", json={"email": "nobody@accounts.test"})
    known = await app.client.post(f"{AUTH}/password/forgot/", json={"email": me.user.email})
    assert (unknown.status_code, unknown.json()) == (known.status_code, known.json()) == (202, known.json())
    await app.container.queue.drain()  # type: ignore[attr-defined]
    token = re.search(r"token=([A-Za-z0-9_-]+)", text_part(await app.smtp.wait_for(me.user.email))).group(1)  # type: ignore[union-attr]

    new = {"token": token, "new_password": "a-new-pass-for-forgot-1"}
    assert (await app.client.post(f"{AUTH}/password/reset/", json=new)).status_code == 204
    await app.call("GET", f"{AUTH}/me/", me, expect=401)  # every session ended
    again = await app.client.post(f"{AUTH}/password/reset/", json={**new, "new_password": "yet-another-pass-2"})
    assert (again.status_code, again.json()["code"]) == (400, "reset_token_invalid")
    login = await app.client.post(f"{AUTH}/login/", json={"email": me.user.email, "password": new["new_password"]})
    assert login.status_code == 200

    await app.client.post(f"{AUTH}/password/forgot/", json={"email": me.user.email})
    await app.container.queue.drain()  # type: ignore[attr-defined]
    late = await app.smtp.wait_for(me.user.email, count=2)
    token = re.search(r"token=([A-Za-z0-9_-]+)", text_part(late)).group(1)  # type: ignore[union-attr]
    app.clock.advance(timedelta(minutes=31))
    expired = await app.client.post(f"{AUTH}/password/reset/", json={**new, "token": token})
    assert (expired.status_code, expired.json()["code"]) == (400, "reset_token_invalid")


async def test_sessions_are_listed_and_ended_one_by_one(app: App) -> None:  # noqa: F811
    laptop = await person(app, "sessions@accounts.test")
    app.clock.advance(timedelta(seconds=1))
    phone = await sign_in(app, laptop.user.email)
    listed = (await app.call("GET", f"{AUTH}/sessions/", phone))["items"]
    assert [s["current"] for s in listed] == [True, False]
    assert {"created_at", "last_used_at", "client_address", "user_agent"} <= set(listed[0])
    await app.call("DELETE", f"{AUTH}/sessions/{listed[1]['id']}/", phone, expect=204)
    await app.call("GET", f"{AUTH}/me/", laptop, expect=401)
    assert [s["id"] for s in (await app.call("GET", f"{AUTH}/sessions/", phone))["items"]] == [listed[0]["id"]]
    stranger = await person(app, "stranger@accounts.test")
    await app.call("DELETE", f"{AUTH}/sessions/{listed[0]['id']}/", stranger, expect=404)


def next_midnight(zone: str, after: datetime) -> datetime:
    local = after.astimezone(ZoneInfo(zone))
    return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), ZoneInfo(zone))


async def test_the_digest_goes_out_at_local_midnight_in_two_zones(app: App) -> None:  # noqa: F811
    [admin] = await app.accounts("admin", 1)
    kolkata, new_york = await person(app, "kolkata@accounts.test"), await person(app, "newyork@accounts.test")
    await app.call("PATCH", f"{AUTH}/me/", kolkata, time_zone="Asia/Kolkata")
    await app.call("PATCH", f"{AUTH}/me/", new_york, time_zone="America/New_York", full_name="New Yorker")
    bad = await app.client.patch(f"{AUTH}/me/", json={"time_zone": "Mars/Olympus"}, headers=kolkata.headers)
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_input")
    due = (app.today - timedelta(days=1)).isoformat()
    for who in (kolkata, new_york):
        slug = await app.publish(admin, f"Chore of {who.user.email}", due_date=due)
        await app.call("POST", f"/api/tasks/{slug}/assign/", admin, 201, user_id=str(who.user.id))

    now = app.clock.now()
    at_kolkata, at_new_york = next_midnight("Asia/Kolkata", now), next_midnight("America/New_York", now)
    assert [await app.run("daily_digest", at=at_kolkata.isoformat()) for _ in range(2)] == [1, 0]
    assert len(app.emails(kolkata, f"Your tasks for {at_kolkata.date().isoformat()}")) == 1
    assert app.emails(new_york, "Your tasks for") == []
    assert [await app.run("daily_digest", at=at_new_york.isoformat()) for _ in range(2)] == [1, 0]
    assert len(app.emails(new_york, f"Your tasks for {at_new_york.date().isoformat()}")) == 1
    assert len(app.emails(kolkata, "Your tasks for")) == 1
    off_midnight = (next_midnight("Asia/Kolkata", now) + timedelta(hours=6)).isoformat()
    assert await app.run("daily_digest", at=off_midnight) == 0


async def test_an_email_change_is_confirmed_by_the_code_sent_to_the_new_address(app: App) -> None:  # noqa: F811
    me = await person(app, "old@accounts.test")
    other = await sign_in(app, me.user.email)
    await app.call("POST", f"{AUTH}/email/change/", me, 202, new_email="new@accounts.test", password=PASSWORD)
    await app.container.queue.drain()  # type: ignore[attr-defined]
    message = await app.smtp.wait_for("new@accounts.test")
    code = re.search(r"\b(\d{6})\b", text_part(message)).group(1)  # type: ignore[union-attr]
    changed = await app.call("POST", f"{AUTH}/email/change/confirm/", me, code=code)
    assert changed["email"] == "new@accounts.test"
    await app.call("GET", f"{AUTH}/me/", other, expect=401)
    assert (await app.call("GET", f"{AUTH}/me/", me))["email"] == "new@accounts.test"


async def test_a_closed_account_loses_its_personal_data_but_keeps_its_balance_history(app: App) -> None:  # noqa: F811
    admin = await person(app, "boss@accounts.test", Role.ADMIN)
    me = await person(app, "closing@accounts.test")
    slug = await app.publish(admin, "Paid work", points=30)
    assignment = await app.claim(me, slug)
    await app.call("POST", f"/api/assignments/{assignment}/submit/", me, note="done")
    await app.call("POST", f"/api/assignments/{assignment}/approve/", admin)

    wrong = await app.client.request("DELETE", f"{AUTH}/me/", json={"password": "not-it"}, headers=me.headers)
    assert wrong.status_code == 401
    closed = await app.client.request("DELETE", f"{AUTH}/me/", json={"password": PASSWORD}, headers=me.headers)
    assert closed.status_code == 204, closed.text

    [row] = await app.rows(select(users).where(users.c.id == me.user.id))
    assert "closing@" not in row.email
    assert row.full_name == "Closed account"
    assert (row.is_active, row.closed_at is not None) == (False, True)
    await app.call("GET", f"{AUTH}/me/", me, expect=401)
    history = await app.call("GET", f"/api/admin/users/{me.user.id}/", admin)
    assert (history["points_earned"], history["balance"]) == (30, 30)
    rewards = select(ledger_transfers).where(ledger_transfers.c.kind == "reward")
    assert len(await app.rows(rewards)) == 1
    # The address is free again.
    again = await person(app, "closing@accounts.test")
    assert again.user.id != me.user.id


async def test_an_admin_closes_an_account_from_the_admin_api(app: App) -> None:  # noqa: F811
    admin = await person(app, "chief@accounts.test", Role.ADMIN)
    member = await person(app, "leaver@accounts.test")
    await app.call("POST", f"/api/admin/users/{member.user.id}/close/", member, expect=403)
    closed = await app.call("POST", f"/api/admin/users/{member.user.id}/close/", admin)
    assert (closed["is_active"], closed["full_name"]) == (False, "Closed account")
    await app.call("GET", f"{AUTH}/me/", member, expect=401)
    await app.call("POST", f"/api/admin/users/{member.user.id}/close/", admin, expect=404)
