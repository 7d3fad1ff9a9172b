"""A client's address comes from forwarding headers only when a trusted proxy (FORWARDED_ALLOW_IPS) sent them."""

from __future__ import annotations

from pathlib import Path

import httpx

from domain.users import Role, User
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from tests.integration.conftest import PASSWORD, build, make_settings

EMAIL = "owner@proxies.test"
LOGIN = "/api/auth/login/"


async def _owner(container: Container) -> None:
    identity = container.identity
    user = User(EMAIL, "Owner", Role.MEMBER, await identity.hasher.hash(PASSWORD), identity.clock.now())
    async with identity.uow() as uow:
        await uow.users.add(user)
        await uow.commit()


def _client(app: object, peer: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))  # type: ignore[arg-type]
    return httpx.AsyncClient(transport=transport, base_url="http://api.test")


async def _login(client: httpx.AsyncClient, forwarded_for: str, password: str) -> int:
    answer = await client.post(
        LOGIN, json={"email": EMAIL, "password": password}, headers={"X-Forwarded-For": forwarded_for}
    )
    return answer.status_code


async def test_behind_a_trusted_proxy_each_client_is_counted_at_its_own_address(tmp_path: Path, sqlite_db: str) -> None:
    settings = make_settings(sqlite_db, tmp_path, forwarded_allow_ips="127.0.0.1")
    async with build(settings) as container:
        await _owner(container)
        async with _client(create_app(container), "127.0.0.1") as proxy:
            stranger = [await _login(proxy, "203.0.113.66", "wrong password 1") for _ in range(5)]
            stranger.append(await _login(proxy, "203.0.113.66", PASSWORD))
            owner = await _login(proxy, "198.51.100.7", PASSWORD)

    assert stranger == [401] * 5 + [429]
    assert owner == 200  # the stranger's failures did not lock the owner out of their own address


async def test_forwarding_headers_from_anyone_else_are_ignored(tmp_path: Path, sqlite_db: str) -> None:
    settings = make_settings(sqlite_db, tmp_path, forwarded_allow_ips="127.0.0.1")
    async with build(settings) as container:
        await _owner(container)
        async with _client(create_app(container), "192.0.2.50") as direct:
            # A client rotating spoofed addresses is still counted at the address it connects from.
            spoofed = [await _login(direct, f"203.0.113.{n}", "wrong password 1") for n in range(5)]
            spoofed.append(await _login(direct, "198.51.100.7", PASSWORD))

    assert spoofed == [401] * 5 + [429]
