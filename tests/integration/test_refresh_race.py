"""Refresh rotation, replay detection and ending sessions under real concurrency, on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from adapters.db.tables import audit_log, refresh_sessions, users
from application.accounts import create_admin
from domain.verification import EmailToken, generate_secret_token, token_digest
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.integration.conftest import build

AUTH = "/api/auth"
EMAIL = "ada@example.com"
PASSWORD = "correct horse battery"
NEW_PASSWORD = "another staple 42"
RACERS = 20

Client = httpx.AsyncClient


@pytest.fixture
async def pg_app(pg_url: str, settings_for: Callable[..., Settings]) -> AsyncIterator[tuple[Client, Container]]:
    """httpx's ASGI transport runs requests on this loop, truly concurrently; Litestar's AsyncTestClient
    hands each one to a blocking portal, which would serialise every race below."""
    container = build(settings_for(pg_url, db_pool_size=RACERS + 5))
    transport = httpx.ASGITransport(app=create_app(container))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client, container
    await container.close()


@pytest.fixture
def client(pg_app: tuple[Client, Container]) -> Client:
    return pg_app[0]


@pytest.fixture
def container(pg_app: tuple[Client, Container]) -> Container:
    return pg_app[1]


@pytest.fixture
async def admin(container: Container) -> None:
    await create_admin(EMAIL, PASSWORD, "Ada Lovelace", container.identity)


async def login(client: Client, password: str = PASSWORD) -> dict[str, Any]:
    response = await client.post(f"{AUTH}/login/", json={"email": EMAIL, "password": password})
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    return pair


async def refresh(client: Client, token: str) -> Any:
    return await client.post(f"{AUTH}/token/refresh/", json={"refresh": token})


async def me_status(client: Client, access: str) -> int:
    return (await client.get(f"{AUTH}/me/", headers={"Authorization": f"Bearer {access}"})).status_code


def assert_refused(response: Any, *codes: str) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] in (codes or ("invalid_token",)), response.json()


async def scalar(container: Container, query: Any) -> Any:
    async with container.engine.connect() as conn:
        return (await conn.execute(query)).scalar_one()


@pytest.mark.usefixtures("admin")
async def test_concurrent_refreshes_of_one_token_have_exactly_one_winner(client: Client, container: Container) -> None:
    pair = await login(client)
    responses = await asyncio.gather(*(refresh(client, pair["refresh"]) for _ in range(RACERS)))

    assert Counter(r.status_code for r in responses) == {200: 1, 401: RACERS - 1}
    losers = [r for r in responses if r.status_code == 401]
    for loser in losers:
        assert_refused(loser, "token_reused", "invalid_token")
    assert any(r.json()["code"] == "token_reused" for r in losers)
    winner = next(r for r in responses if r.status_code == 200).json()

    # The losers were replays of a spent token, so the winner's family is gone too.
    assert_refused(await refresh(client, winner["refresh"]))
    assert await scalar(container, select(func.count()).select_from(refresh_sessions)) == 2
    live = select(func.count()).select_from(refresh_sessions).where(refresh_sessions.c.revoked_at.is_(None))
    assert await scalar(container, live) == 0
    replays = select(func.count()).select_from(audit_log).where(audit_log.c.action == "session.replay_detected")
    assert await scalar(container, replays) >= 1


@pytest.mark.usefixtures("admin")
async def test_a_replayed_refresh_token_revokes_its_whole_family_only(client: Client) -> None:
    first = await login(client)
    other_device = await login(client)
    second = (await refresh(client, first["refresh"])).json()
    third = (await refresh(client, second["refresh"])).json()

    assert_refused(await refresh(client, second["refresh"]), "token_reused")
    assert_refused(await refresh(client, third["refresh"]))
    assert_refused(await refresh(client, first["refresh"]))
    response = await refresh(client, other_device["refresh"])
    assert response.status_code == 200, response.text


@pytest.mark.usefixtures("admin")
async def test_logout_ends_only_its_own_session(client: Client) -> None:
    phone, laptop = await login(client), await login(client)

    response = await client.post(f"{AUTH}/logout/", json={"refresh": phone["refresh"]})
    assert response.status_code == 204, response.text

    assert await me_status(client, phone["access"]) == 401
    assert_refused(await refresh(client, phone["refresh"]))
    assert await me_status(client, laptop["access"]) == 200
    assert (await refresh(client, laptop["refresh"])).status_code == 200


@pytest.mark.usefixtures("admin")
async def test_logout_everywhere_revokes_every_refresh_token_and_outdates_access_tokens(client: Client) -> None:
    phone, laptop = await login(client), await login(client)
    assert await me_status(client, phone["access"]) == 200

    response = await client.post(f"{AUTH}/logout/", json={"refresh": phone["refresh"], "everywhere": True})
    assert response.status_code == 204, response.text

    for pair in (phone, laptop):
        assert await me_status(client, pair["access"]) == 401
        assert_refused(await refresh(client, pair["refresh"]))
    assert_refused(await client.post(f"{AUTH}/logout/", json={"refresh": laptop["refresh"]}))
    fresh = await login(client)
    assert await me_status(client, fresh["access"]) == 200


@pytest.mark.usefixtures("admin")
async def test_password_change_ends_every_other_session(client: Client) -> None:
    here, elsewhere = await login(client), await login(client)
    response = await client.post(
        f"{AUTH}/password/change/",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers={"Authorization": f"Bearer {here['access']}"},
    )
    assert response.status_code == 200, response.text
    replacement = response.json()

    for pair in (elsewhere, here):
        assert await me_status(client, pair["access"]) == 401
        assert_refused(await refresh(client, pair["refresh"]))
    assert await me_status(client, replacement["access"]) == 200
    assert (await refresh(client, replacement["refresh"])).status_code == 200
    response = await client.post(f"{AUTH}/login/", json={"email": EMAIL, "password": PASSWORD})
    assert_refused(response, "invalid_credentials")
    await login(client, NEW_PASSWORD)


async def issue_email_token(container: Container, email: str) -> str:
    token = generate_secret_token()
    async with container.identity.uow() as uow:
        await uow.email_tokens.add(EmailToken.issue(email, token_digest(token), container.identity.clock.now()))
        await uow.commit()
    return token


async def register(client: Client, token: str, name: str) -> Any:
    body = {"email_token": token, "password": PASSWORD, "full_name": name}
    return await client.post(f"{AUTH}/register/", json=body)


async def count_users(container: Container, email: str) -> int:
    return int(await scalar(container, select(func.count()).select_from(users).where(users.c.email == email)))


async def test_concurrent_registrations_with_one_email_token_make_one_user(
    client: Client, container: Container
) -> None:
    token = await issue_email_token(container, "grace@example.com")
    responses = await asyncio.gather(*(register(client, token, f"Grace {n}") for n in range(5)))

    assert Counter(r.status_code for r in responses) == {201: 1, 400: 4}, [r.text for r in responses]
    for response in responses:
        if response.status_code == 400:
            assert response.json()["code"] == "email_token_invalid"
    assert await count_users(container, "grace@example.com") == 1


async def test_concurrent_registrations_with_two_tokens_for_one_email_make_one_user(
    client: Client, container: Container
) -> None:
    tokens = [await issue_email_token(container, "grace@example.com") for _ in range(2)]
    responses = await asyncio.gather(*(register(client, token, "Grace Hopper") for token in tokens))

    assert Counter(r.status_code for r in responses) == {201: 1, 409: 1}, [r.text for r in responses]
    conflict = next(r for r in responses if r.status_code == 409)
    assert conflict.json()["code"] == "email_taken"
    assert await count_users(container, "grace@example.com") == 1
