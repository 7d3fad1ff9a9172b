"""Sudo mode: role changes, deactivation and wallet adjustments ask for the admin's password again unless it
was given in the last ten minutes, on a clock the test moves (never by sleeping)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from litestar.testing import AsyncTestClient

from application import two_factor
from entrypoints.bootstrap import Container
from tests.fakes.services import FakeClock
from tests.integration.admin_seed import World, seed
from tests.integration.conftest import PASSWORD, SmtpInbox, build, make_settings
from tests.integration.test_pages import assert_html
from tests.integration.web import Person, csrf_token, signed_in

Client = AsyncTestClient[Any]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime.now(UTC))


@pytest.fixture
async def container(database_url: str, tmp_path: Path, smtp: SmtpInbox, clock: FakeClock) -> AsyncIterator[Container]:
    settings = make_settings(database_url, tmp_path, email_host=smtp.host, email_port=smtp.port)
    async with build(settings, clock=clock) as built:  # its rate limits count on this clock too
        yield built


async def balance(client: Client, world: World) -> int:
    return int((await client.get("/api/wallet/", headers=world.member.headers)).json()["balance"])


async def audit_kinds(client: Client, world: World) -> list[str]:
    found = await client.get("/api/admin/audit/?kind=sudo&limit=100", headers=world.admin.headers)
    assert found.status_code == 200, found.text
    return [entry["action"] for entry in found.json()["items"]]


async def post_again(person: Person, asked: Any, path: str, fields: dict[str, str]) -> Any:
    """Answers the password page: the same form again, with the password and the page's CSRF token."""
    person.token = csrf_token(asked.text)
    return await person.post(path, fields)


async def test_a_wallet_adjustment_asks_for_the_password_then_proceeds(
    client: Client, accounts: Any, clock: FakeClock
) -> None:
    world = await seed(client, accounts)
    admin = await signed_in(client, world.admin.user.email)
    path = f"/admin/users/{world.member.user.id}/wallet/"
    await admin.get(f"/admin/users/{world.member.user.id}/")

    asked = await admin.post(path, {"points": "5", "reason": "Prize <b>draw</b>"})
    assert_html(asked, 200)
    assert "Confirm your password" in asked.text
    assert "adjust this account&#39;s wallet by +5 points" in asked.text
    assert 'name="points" value="5"' in asked.text
    assert 'name="reason" value="Prize &lt;b&gt;draw&lt;/b&gt;"' in asked.text  # carried over, escaped
    assert f'action="{path}"' in asked.text
    assert await balance(client, world) == 0

    wrong = await post_again(admin, asked, path, {"points": "5", "reason": "Prize", "sudo_password": "not it at all"})
    assert_html(wrong, 401)
    assert "The password is wrong." in wrong.text
    assert await balance(client, world) == 0

    given = await post_again(admin, wrong, path, {"points": "5", "reason": "Prize", "sudo_password": PASSWORD})
    assert given.status_code == 303
    assert "Wallet adjusted by +5 points; the balance is 5." in (await admin.follow(given)).text
    assert await balance(client, world) == 5
    assert await audit_kinds(client, world) == ["sudo.confirmed", "sudo.failed"]

    clock.advance(timedelta(minutes=9, seconds=59))
    quick = await admin.post(path, {"points": "-2", "reason": "Correction"})
    assert quick.status_code == 303  # still in sudo mode: no password asked
    assert await balance(client, world) == 3

    clock.advance(timedelta(seconds=1))  # ten minutes since the password was given
    late = await admin.post(path, {"points": "1", "reason": "Late"})
    assert_html(late, 200)
    assert "Confirm your password" in late.text
    assert await balance(client, world) == 3


async def test_role_changes_and_deactivation_ask_too_and_sudo_belongs_to_one_session(
    client: Client, accounts: Any
) -> None:
    world = await seed(client, accounts)
    member = world.member.user.id
    admin = await signed_in(client, world.admin.user.email)
    await admin.get("/admin/")
    for fields, doing in (
        ({"role": "manager"}, "make this account a manager"),
        ({"is_active": "false"}, "deactivate this account"),
    ):
        asked = await admin.post(f"/admin/users/{member}/", fields)
        assert "Confirm your password" in asked.text
        assert f"<strong>{doing}</strong>" in asked.text
    me = await client.get("/api/auth/me/", headers=world.member.headers)
    assert me.json()["role"] == "member"  # nothing changed yet

    done = await post_again(admin, asked, f"/admin/users/{member}/", {"role": "manager", "sudo_password": PASSWORD})
    assert done.status_code == 303
    assert "the account is now a manager; its sessions ended." in (await admin.follow(done)).text
    # Confirmed in this session only: the same admin signed in elsewhere is asked again.
    elsewhere = await signed_in(client, world.admin.user.email)
    await elsewhere.get("/admin/")
    asked = await elsewhere.post(f"/admin/users/{member}/", {"is_active": "false"})
    assert "Confirm your password" in asked.text
    # The first session still is: it deactivates without being asked.
    deactivated = await admin.post(f"/admin/users/{member}/", {"is_active": "false"})
    assert deactivated.status_code == 303
    assert "the account is deactivated" in (await admin.follow(deactivated)).text
    assert (await client.get("/api/auth/me/", headers=world.member.headers)).status_code == 401


async def test_password_confirmation_is_limited_like_sign_in(client: Client, accounts: Any, clock: FakeClock) -> None:
    world = await seed(client, accounts)
    admin = await signed_in(client, world.admin.user.email)
    path = f"/admin/users/{world.member.user.id}/wallet/"
    page = await admin.get(f"/admin/users/{world.member.user.id}/")
    fields = {"points": "5", "reason": "Prize"}
    statuses = []
    for _ in range(6):
        page = await post_again(admin, page, path, {**fields, "sudo_password": "a wrong guess"})
        statuses.append(page.status_code)
    assert statuses == [401] * 5 + [429]
    refused = await post_again(admin, page, path, {**fields, "sudo_password": PASSWORD})
    assert_html(refused, 429)  # even the right password waits for the window to pass
    assert await balance(client, world) == 0
    clock.advance(timedelta(minutes=1))
    allowed = await post_again(admin, refused, path, {**fields, "sudo_password": PASSWORD})
    assert allowed.status_code == 303
    assert await balance(client, world) == 5


async def test_resetting_two_factor_and_closing_an_account_ask_for_the_password(
    client: Client, accounts: Any, container: Container
) -> None:
    world = await seed(client, accounts)
    member = world.member.user.id
    admin = await signed_in(client, world.admin.user.email)
    assert "Reset two-factor" not in (await admin.get(f"/admin/users/{member}/")).text  # it is off
    shown = await two_factor.set_up(world.member.user, container.identity)
    await two_factor.enable(
        world.member.user, pyotp.TOTP(shown.secret).at(container.clock.now()), None, container.identity
    )
    page = await admin.get(f"/admin/users/{member}/")
    assert "Close account" in page.text
    assert "Reset two-factor" in page.text

    asked = await admin.post(f"/admin/users/{member}/2fa/reset/", {})
    assert "<strong>reset this account&#39;s two-factor sign-in</strong>" in asked.text
    reset = await post_again(admin, asked, f"/admin/users/{member}/2fa/reset/", {"sudo_password": PASSWORD})
    assert "two-factor sign-in is off and every session ended" in (await admin.follow(reset)).text
    me = await client.post("/api/auth/login/", json={"email": world.member.user.email, "password": PASSWORD})
    assert me.status_code == 200, me.text  # no code asked any more
    world.member.access = me.json()["access"]

    assert (await client.get("/api/auth/me/", headers=world.member.headers)).status_code == 200
    closed = await admin.post(f"/admin/users/{member}/close/", {})  # sudo mode still on from the reset
    assert closed.status_code == 303
    assert "The account is closed" in (await admin.follow(closed)).text
    assert (await client.get("/api/auth/me/", headers=world.member.headers)).status_code == 401
    after = await admin.get(f"/admin/users/{member}/")
    assert "Closed account" in after.text
    assert world.member.user.email not in after.text
