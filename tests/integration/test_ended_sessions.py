"""Every way a session ends refuses its access token on the very next request, although the process keeps the
signed-in user (authentication reads no database then): each test first proves the copy is kept, then ends the
session and sees 401. On PostgreSQL with Redis, as production runs (the copies follow the Redis channel)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pyotp
import pytest

from adapters.jobs.inline import InlineJobQueue
from adapters.signed_in import RedisSignedInUsers
from domain.sessions import TokenKind
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from tests.fakes.services import FakeClock
from tests.integration.conftest import PASSWORD, Account, SmtpInbox, add_account, build, make_settings, text_part
from tests.integration.live import serve

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
AUTH = "/api/auth"


@dataclass
class Site:
    container: Container
    client: httpx.AsyncClient
    smtp: SmtpInbox
    clock: FakeClock

    async def person(self, email: str, role: str = "member") -> Account:
        return await add_account(self.container, self.client, role, email)

    async def login(self, email: str, totp: str | None = None, password: str = PASSWORD) -> Account:
        body = {"email": email, "password": password, **({"totp": totp} if totp else {})}
        response = await self.client.post(f"{AUTH}/login/", json=body)
        assert response.status_code == 200, response.text
        pair = response.json()
        return Account(user=None, access=pair["access"], refresh=pair["refresh"])

    async def call(self, method: str, path: str, who: Account, expect: int = 200, **body: Any) -> Any:
        response = await self.client.request(method, path, headers=who.headers, json=body or None)
        assert response.status_code == expect, response.text
        return response.json() if response.content else None

    async def kept(self, who: Account) -> bool:
        """Whether this process answers the token's sign-in from its copy (a load here means it is not kept)."""
        claims = self.container.identity.tokens.decode(who.access, TokenKind.ACCESS)
        assert claims.family_id is not None
        loaded = False

        async def load() -> None:
            nonlocal loaded
            loaded = True

        await self.container.identity.signed_in.signed_in(claims.user_id, claims.family_id, load)
        return not loaded

    async def warm(self, *who: Account) -> None:
        for account in who:
            await self.call("GET", f"{AUTH}/me/", account)
            assert await self.kept(account), "the signed-in user is kept after a request"

    async def refused(self, who: Account) -> None:
        await self.call("GET", f"{AUTH}/me/", who, expect=401)

    async def mailed_to(self, address: str, pattern: str, count: int = 1) -> str:
        await self.container.queue.drain()  # type: ignore[attr-defined]
        found = re.search(pattern, text_part(await self.smtp.wait_for(address, count=count)))
        assert found is not None
        return found.group(1)


@pytest.fixture
async def site(pg_url: str, redis_url: str, smtp: SmtpInbox, tmp_path: Path) -> AsyncIterator[Site]:
    settings = make_settings(pg_url, tmp_path, redis_url=redis_url, email_host=smtp.host, email_port=smtp.port)
    # Behind the real time, so tokens issued on this clock stay valid while it moves on (two-factor codes do).
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5))
    container = build(settings, clock=clock, queue=InlineJobQueue({}, attempts=1))
    # A live server in this event loop: the requests' email jobs and the ones drained here share one loop.
    async with container, serve(create_app(container)) as client:
        signed_in = container.identity.signed_in
        assert isinstance(signed_in, RedisSignedInUsers)
        async with asyncio.timeout(10):
            while not signed_in.listening:  # the app's listener subscribes as it starts
                await asyncio.sleep(0.01)
        yield Site(container, client, smtp, clock)


async def two_devices(site: Site, email: str) -> tuple[Account, Account]:
    laptop = await site.person(email)
    return laptop, await site.login(email)


async def with_two_factor(site: Site, me: Account) -> pyotp.TOTP:
    totp = pyotp.TOTP((await site.call("POST", f"{AUTH}/2fa/setup/", me))["secret"])
    await site.call("POST", f"{AUTH}/2fa/enable/", me, code=totp.at(site.clock.now()))
    site.clock.advance(timedelta(seconds=30))
    return totp


async def test_logout_ends_its_sign_in_and_only_it(site: Site) -> None:
    laptop, phone = await two_devices(site, "logout@ended.test")
    await site.warm(laptop, phone)
    await site.call("POST", f"{AUTH}/logout/", laptop, 204, refresh=laptop.refresh)
    await site.refused(laptop)
    await site.call("GET", f"{AUTH}/me/", phone)


async def test_logout_everywhere_ends_every_sign_in(site: Site) -> None:
    laptop, phone = await two_devices(site, "everywhere@ended.test")
    await site.warm(laptop, phone)
    await site.call("POST", f"{AUTH}/logout/", phone, 204, refresh=phone.refresh, everywhere=True)
    await site.refused(laptop)
    await site.refused(phone)


async def test_ending_a_session_from_the_list(site: Site) -> None:
    laptop, phone = await two_devices(site, "listed@ended.test")
    await site.warm(laptop, phone)
    sessions = (await site.call("GET", f"{AUTH}/sessions/", phone))["items"]
    [other] = [s for s in sessions if not s["current"]]
    await site.call("DELETE", f"{AUTH}/sessions/{other['id']}/", phone, 204)
    await site.refused(laptop)
    await site.call("GET", f"{AUTH}/me/", phone)


async def test_turning_two_factor_on_then_off_ends_the_other_sign_ins(site: Site) -> None:
    laptop, phone = await two_devices(site, "twofactor@ended.test")
    await site.warm(laptop, phone)
    totp = await with_two_factor(site, phone)
    await site.refused(laptop)
    assert (await site.call("GET", f"{AUTH}/me/", phone))["totp_enabled"] is True

    site.clock.advance(timedelta(seconds=30))
    tablet = await site.login("twofactor@ended.test", totp=totp.at(site.clock.now()))
    await site.warm(tablet, phone)
    site.clock.advance(timedelta(seconds=30))
    await site.call("POST", f"{AUTH}/2fa/disable/", phone, 204, code=totp.at(site.clock.now()))
    await site.refused(tablet)
    assert (await site.call("GET", f"{AUTH}/me/", phone))["totp_enabled"] is False


async def test_an_email_change_ends_the_other_sign_ins(site: Site) -> None:
    laptop, phone = await two_devices(site, "old@ended.test")
    await site.warm(laptop, phone)
    await site.call("POST", f"{AUTH}/email/change/", phone, 202, new_email="new@ended.test", password=PASSWORD)
    code = await site.mailed_to("new@ended.test", r"\b(\d{6})\b")
    await site.call("POST", f"{AUTH}/email/change/confirm/", phone, code=code)
    await site.refused(laptop)
    assert (await site.call("GET", f"{AUTH}/me/", phone))["email"] == "new@ended.test"


async def test_a_password_change_ends_every_sign_in_but_the_new_one(site: Site) -> None:
    laptop, phone = await two_devices(site, "change@ended.test")
    await site.warm(laptop, phone)
    body = {"current_password": PASSWORD, "new_password": "a-changed-pass-4410"}
    fresh = await site.call("POST", f"{AUTH}/password/change/", phone, **body)
    await site.refused(laptop)
    await site.refused(phone)
    await site.call("GET", f"{AUTH}/me/", Account(user=None, access=fresh["access"], refresh=fresh["refresh"]))


async def test_a_password_reset_ends_every_sign_in(site: Site) -> None:
    laptop, phone = await two_devices(site, "reset@ended.test")
    await site.warm(laptop, phone)
    forgot = await site.client.post(f"{AUTH}/password/forgot/", json={"email": "reset@ended.test"})
    assert forgot.status_code == 202
    token = await site.mailed_to("reset@ended.test", r"token=([A-Za-z0-9_-]+)")
    reset = await site.client.post(f"{AUTH}/password/reset/", json={"token": token, "new_password": "reset-pass-8812"})
    assert reset.status_code == 204, reset.text
    await site.refused(laptop)
    await site.refused(phone)


async def test_closing_an_account_ends_its_sign_ins(site: Site) -> None:
    laptop, phone = await two_devices(site, "closing@ended.test")
    await site.warm(laptop, phone)
    await site.call("DELETE", f"{AUTH}/me/", phone, 204, password=PASSWORD)
    await site.refused(laptop)
    await site.refused(phone)


Act = Callable[[Site, Account, Account], Awaitable[object]]
ADMIN_ACTS: dict[str, Act] = {
    "close": lambda s, admin, who: s.call("POST", f"/api/admin/users/{who.user.id}/close/", admin),
    "deactivate": lambda s, admin, who: s.call("PATCH", f"/api/admin/users/{who.user.id}/", admin, is_active=False),
    "role": lambda s, admin, who: s.call("PATCH", f"/api/admin/users/{who.user.id}/", admin, role="manager"),
    "2fa reset": lambda s, admin, who: s.call("POST", f"/api/admin/users/{who.user.id}/2fa/reset/", admin),
}


@pytest.mark.parametrize("act", ADMIN_ACTS)
async def test_an_admin_action_on_an_account_ends_its_sign_ins(site: Site, act: str) -> None:
    admin = await site.person("root@ended.test", "admin")
    member = await site.person("member@ended.test")
    if act == "2fa reset":
        totp = await with_two_factor(site, member)
        member = Account(member.user, (await site.login(member.user.email, totp=totp.at(site.clock.now()))).access, "")
    await site.warm(member)
    await ADMIN_ACTS[act](site, admin, member)
    await site.refused(member)


async def test_a_replayed_refresh_token_ends_its_sign_in(site: Site) -> None:
    laptop = await site.person("replay@ended.test")
    await site.warm(laptop)
    first = await site.client.post(f"{AUTH}/token/refresh/", json={"refresh": laptop.refresh})
    assert first.status_code == 200
    renewed = Account(laptop.user, first.json()["access"], first.json()["refresh"])
    await site.warm(renewed)
    replayed = await site.client.post(f"{AUTH}/token/refresh/", json={"refresh": laptop.refresh})
    assert replayed.status_code == 401
    await site.refused(renewed)
    await site.refused(laptop)
