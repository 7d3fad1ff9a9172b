"""Page sessions: kept by the server, renewed at sign-in, ended like tokens; HTTPS for pages, never for the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from litestar.testing import AsyncTestClient
from redis.asyncio import Redis

from adapters.jobs.inline import InlineJobQueue
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.integration.conftest import PASSWORD, add_account, build
from tests.integration.web import Person, signed_in

Client = AsyncTestClient[Any]


def session_cookie(response: httpx.Response) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith("session=")]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    return headers[0]


async def test_the_session_cookie_is_http_only_and_same_site_lax(client: Client, accounts: Any) -> None:
    member = await accounts("member", "flags@sessions.test")
    person = Person(client)
    await person.get("/signin/")
    response = await person.post("/signin/", {"email": member.user.email, "password": PASSWORD})
    cookie = session_cookie(response).lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie
    assert "path=/" in cookie


async def test_sign_in_gives_a_new_session_id(client: Client, accounts: Any) -> None:
    member = await accounts("member", "fixation@sessions.test")
    person = Person(client)
    await person.get("/signin/")
    planted = "a" * 64  # an id an attacker chose and slipped into the victim's browser
    person.jar.set("session", planted, domain="testserver.local")
    await person.post("/signin/", {"email": member.user.email, "password": PASSWORD})
    assert person.session not in (None, planted)
    attacker = Person(client)
    attacker.jar.set("session", planted, domain="testserver.local")
    assert (await attacker.get("/wallet/")).status_code == 303
    assert (await person.get("/wallet/")).status_code == 200


async def test_sign_out_ends_this_session_only(client: Client, accounts: Any) -> None:
    member = await accounts("member", "signout@sessions.test")
    person = await signed_in(client, member.user.email)
    old = person.session
    assert (await person.get("/signout/")).status_code == 200
    assert (await person.post("/signout/")).headers["location"] == "/signin/"
    assert person.session is None
    replay = Person(client)
    replay.jar.set("session", str(old), domain="testserver.local")
    assert (await replay.get("/wallet/")).status_code == 303
    # As with the API's logout, only this sign-in ends: the account's API tokens still work.
    assert (await client.get("/api/auth/me/", headers=member.headers)).status_code == 200


async def test_a_password_change_ends_every_other_session(client: Client, accounts: Any) -> None:
    member = await accounts("member", "change@sessions.test")
    here = await signed_in(client, member.user.email)
    elsewhere = await signed_in(client, member.user.email)
    before = here.session
    await here.get("/settings/")
    wrong = await here.post("/settings/password/", {"current_password": "not-it-at-all", "new_password": "x" * 12})
    assert wrong.status_code == 401
    assert "The current password is wrong." in wrong.text
    changed = await here.post(
        "/settings/password/", {"current_password": PASSWORD, "new_password": "a-brand-new-pass-77"}
    )
    assert changed.status_code == 303
    assert "Every other session was signed out" in (await here.follow(changed)).text
    assert here.session != before  # renewed, and still signed in
    assert (await here.get("/wallet/")).status_code == 200
    assert (await elsewhere.get("/wallet/")).status_code == 303
    assert (await client.get("/api/auth/me/", headers=member.headers)).status_code == 401
    assert (await signed_in(client, member.user.email, "a-brand-new-pass-77")).session


async def test_deactivation_ends_the_page_session_at_once(client: Client, accounts: Any) -> None:
    admin = await accounts("admin", "root@sessions.test")
    member = await accounts("member", "gone@sessions.test")
    person = await signed_in(client, member.user.email)
    assert (await person.get("/tasks/")).status_code == 200
    patched = await client.patch(
        f"/api/admin/users/{member.user.id}/", json={"is_active": False}, headers=admin.headers
    )
    assert patched.status_code == 200, patched.text
    assert (await person.get("/tasks/")).headers["location"] == "/signin/?next=/tasks/"
    await person.get("/signin/")
    refused = await person.post("/signin/", {"email": member.user.email, "password": PASSWORD})
    assert refused.status_code == 403
    assert "This account is deactivated." in refused.text
    assert (await person.get("/tasks/")).status_code == 303


async def test_wrong_passwords_are_refused_and_limited_like_the_apis(client: Client, accounts: Any) -> None:
    member = await accounts("member", "limited@sessions.test")
    person = Person(client)
    await person.get("/signin/")
    statuses = []
    for _ in range(6):
        response = await person.post("/signin/", {"email": member.user.email, "password": "wrong-password-1"})
        statuses.append(response.status_code)
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert (
        "The email or password is wrong."
        in (await person.post("/signin/", {"email": "nobody@sessions.test", "password": "wrong-password-1"})).text
    )


async def test_the_next_page_is_only_ever_on_this_site(client: Client, accounts: Any) -> None:
    member = await accounts("member", "next@sessions.test")
    person = Person(client)
    await person.get("/signin/?next=/wallet/")
    response = await person.post("/signin/", {"email": member.user.email, "password": PASSWORD, "next": "/wallet/"})
    assert response.headers["location"] == "/wallet/"
    other = Person(client)
    await other.get("/signin/")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        response = await other.post("/signin/", {"email": member.user.email, "password": PASSWORD, "next": target})
        assert response.headers["location"] == "/", target


async def test_sessions_live_in_redis_when_it_is_configured(
    pg_url: str, redis_url: str, settings_for: Callable[..., Settings]
) -> None:
    settings = settings_for(pg_url, redis_url=redis_url)
    container = build(settings, queue=InlineJobQueue({}))
    redis = Redis.from_url(redis_url)
    try:
        async with AsyncTestClient(app=create_app(container)) as client:
            member = await add_account(container, client, "member", "redis@sessions.test")
            person = await signed_in(client, member.user.email)
            key = f"{settings.redis_namespace}:sessions:{person.session}"
            assert await redis.exists(key) == 1
            assert 0 < await redis.ttl(key) <= settings.refresh_token_ttl_seconds
            assert (await person.get("/wallet/")).status_code == 200
            await person.post("/signout/")
            assert await redis.exists(key) == 0
    finally:
        await redis.aclose()


async def test_with_force_https_pages_redirect_and_the_api_does_not(
    database_url: str, settings_for: Callable[..., Settings]
) -> None:
    container = build(settings_for(database_url, force_https=True))
    app = create_app(container)
    async with AsyncTestClient(app=app) as plain:
        page = await plain.get("/tasks/?q=x", follow_redirects=False)
        assert page.status_code == 308
        assert page.headers["location"] == "https://testserver.local/tasks/?q=x"
        assert "strict-transport-security" in page.headers
        posted = await plain.post("/signin/", data={"email": "a@b.test"}, follow_redirects=False)
        assert posted.status_code == 308
        for path, status in (("/api/auth/me/", 401), ("/health/live", 200)):
            response = await plain.get(path, follow_redirects=False)
            assert response.status_code == status
            assert response.headers["strict-transport-security"].startswith("max-age=")
    async with AsyncTestClient(app=app, base_url="https://testserver.local") as secure:
        member = await add_account(container, secure, "member", "https@sessions.test")
        page = await secure.get("/signin/")
        assert page.status_code == 200
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert "secure" in page.headers["set-cookie"].lower()  # the CSRF cookie
        person = Person(secure)
        person.jar = httpx.Cookies(secure.cookies)
        person.token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
        response = await person.post("/signin/", {"email": member.user.email, "password": PASSWORD})
        cookie = session_cookie(response).lower()
        assert "secure" in cookie
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
