"""Attempt limits (per account, per address, OTP cooldown, app-wide) and the operational endpoints."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families
from redis.asyncio import Redis
from sqlalchemy import event

from adapters.ratelimit import MemoryRateLimiter, RedisRateLimiter
from adapters.security.passwords import Argon2PasswordHasher
from application.accounts import create_admin
from application.ports.security import RateLimiter
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import TEST_REDIS_URL
from tests.fakes.services import FakeClock
from tests.integration.conftest import METRICS, SmtpInbox, build, free_port, make_settings, text_part

PASSWORD = "correct horse battery"
WRONG = "wrong horse battery"
LOGIN = "/api/auth/login/"


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    return body


def assert_retry_after(response: Any) -> None:
    assert 0 < int(response.headers["retry-after"]) <= 3600


@asynccontextmanager
async def from_addresses(container: Container, *hosts: str) -> AsyncIterator[list[httpx.AsyncClient]]:
    """One client per remote address, all on the same app."""
    app = create_app(container)
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(host, 40000)), base_url="http://testserver")
        for host in hosts
    ]
    try:
        yield clients
    finally:
        for client in clients:
            await client.aclose()


@pytest.fixture
def clock() -> FakeClock:
    """Time for the rate limiter that only moves when told, so no window boundary falls mid-test."""
    return FakeClock(datetime(2030, 3, 17, 12, 0, 20, tzinfo=UTC))  # 20 s into a minute


@pytest.fixture(params=["memory", "redis"])
async def limited(
    request: pytest.FixtureRequest, database_url: str, settings_for: Callable[..., Settings], clock: FakeClock
) -> AsyncIterator[Container]:
    """A container whose limiter, in memory or the shared Redis one, reads a held clock."""
    redis: Redis | None = None
    if request.param == "redis":
        request.getfixturevalue("redis_url")
        settings = settings_for(database_url, redis_url=TEST_REDIS_URL)
        redis = Redis.from_url(TEST_REDIS_URL)
        limiter: RateLimiter = RedisRateLimiter(redis, clock, prefix=f"{settings.redis_namespace}:")
    else:
        settings, limiter = settings_for(database_url), MemoryRateLimiter(clock)
    async with build(settings, limiter=limiter) as container:
        yield container
    if redis is not None:
        await redis.aclose()


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:10]}@example.com"


def address() -> str:
    """A fresh client address: Redis counters outlive a test."""
    return "10." + ".".join(str(b) for b in uuid.uuid4().bytes[:3])


async def test_wrong_passwords_lock_that_address_out_of_the_account_for_a_while(
    limited: Container, clock: FakeClock
) -> None:
    victim, bystander = unique("victim"), unique("bystander")
    for email in (victim, bystander):
        await create_admin(email, PASSWORD, "Some One", limited.identity)
    async with from_addresses(limited, address(), address()) as (attacker, owner):
        for _ in range(5):
            assert_problem(
                await attacker.post(LOGIN, json={"email": victim, "password": WRONG}), 401, "invalid_credentials"
            )
        # Even the right password is refused now, from the address that failed...
        refused = await attacker.post(LOGIN, json={"email": victim, "password": PASSWORD})
        assert_problem(refused, 429, "too_many_attempts")
        assert_retry_after(refused)
        # ...but the owner, at their own address, is not locked out by a stranger's failures.
        assert (await owner.post(LOGIN, json={"email": victim, "password": PASSWORD})).status_code == 200
        assert (await owner.post(LOGIN, json={"email": bystander, "password": PASSWORD})).status_code == 200
        # A minute later the window has passed, in memory and in Redis alike.
        clock.advance(timedelta(seconds=61))
        assert (await attacker.post(LOGIN, json={"email": victim, "password": PASSWORD})).status_code == 200


async def test_failures_from_one_address_lock_that_address(limited: Container) -> None:
    # Cheap argon2 parameters here: this test is about counting, and it makes 31 attempts.
    cheap = Argon2PasswordHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    limited.identity = replace(limited.identity, hasher=cheap)
    owner_email = unique("owner")
    await create_admin(owner_email, PASSWORD, "Owner", limited.identity)
    async with from_addresses(limited, address(), address()) as (attacker, owner):
        for n in range(30):  # 3 tries on each of 10 accounts: no account reaches its own limit
            body = {"email": f"target{n // 3}-{owner_email}", "password": WRONG}
            assert_problem(await attacker.post(LOGIN, json=body), 401, "invalid_credentials")
        refused = await attacker.post(LOGIN, json={"email": owner_email, "password": PASSWORD})
        assert_problem(refused, 429, "too_many_attempts")
        assert_retry_after(refused)
        assert (await owner.post(LOGIN, json={"email": owner_email, "password": PASSWORD})).status_code == 200


async def test_send_otp_cools_down_per_email(client: AsyncTestClient[Any], smtp: SmtpInbox) -> None:
    first = await client.post("/api/auth/send-otp/", json={"email": "cool@example.com"})
    assert first.status_code == 202
    again = await client.post("/api/auth/send-otp/", json={"email": "COOL@example.com"})
    assert_problem(again, 429, "too_many_attempts")
    assert_retry_after(again)
    assert (await client.post("/api/auth/send-otp/", json={"email": "other@example.com"})).status_code == 202
    await smtp.wait_for("other@example.com")
    await asyncio.sleep(0.2)
    assert len(smtp.to("cool@example.com")) == 1
    assert text_part(smtp.to("cool@example.com")[0])


async def test_send_otp_has_an_hourly_cap_past_the_cooldown(
    database_url: str, settings_for: Callable[..., Settings], smtp: SmtpInbox, clock: FakeClock
) -> None:
    settings = settings_for(database_url, email_host=smtp.host, email_port=smtp.port)
    container = build(settings, limiter=MemoryRateLimiter(clock))
    try:
        async with from_addresses(container, address()) as (client,):
            for _ in range(5):
                response = await client.post("/api/auth/send-otp/", json={"email": "often@example.com"})
                assert response.status_code == 202
                clock.advance(timedelta(seconds=61))
            response = await client.post("/api/auth/send-otp/", json={"email": "often@example.com"})
            assert_problem(response, 429, "too_many_attempts")
    finally:
        await container.close()
    assert len(smtp.to("often@example.com")) == 5


async def test_the_app_wide_rate_limit(database_url: str, settings_for: Callable[..., Settings]) -> None:
    container = build(settings_for(database_url, rate_limit_per_minute=5))
    async with AsyncTestClient(app=create_app(container)) as client:
        for _ in range(5):
            assert (await client.get("/api/auth/me/")).status_code == 401
        limited = await client.get("/api/auth/me/")
        assert assert_problem(limited, 429, "too_many_requests")["status"] == 429
        assert limited.headers["x-content-type-options"] == "nosniff"
        assert_problem(await client.post(LOGIN, json={}), 429, "too_many_requests")
        # Probes, metrics and the schema are not metered.
        assert (await client.get("/health/live")).status_code == 200
        assert (await client.get("/health/ready")).status_code == 200
        assert (await client.get("/metrics", headers=METRICS)).status_code == 200


@pytest.mark.parametrize("redis", ["none", "up", "down"])
async def test_health_probes(
    request: pytest.FixtureRequest, database_url: str, settings_for: Callable[..., Settings], redis: str
) -> None:
    """Ready checks the database, and Redis where one is configured; live only says the process runs."""
    if redis == "up":
        request.getfixturevalue("redis_url")  # skips loudly, or fails in CI, without Redis
    urls = {"none": None, "up": TEST_REDIS_URL, "down": f"redis://127.0.0.1:{free_port()}/0"}
    checks = {"none": {"database": "ok"}, "up": {"database": "ok", "redis": "ok"}}
    container = build(settings_for(database_url, redis_url=urls[redis]))
    async with AsyncTestClient(app=create_app(container)) as client:
        live = await client.get("/health/live")
        assert (live.status_code, live.json()) == (200, {"status": "ok"})
        ready = await client.get("/health/ready")
        if redis == "down":
            assert ready.status_code == 503
            answer = ready.json()
            assert answer["checks"] == {"database": "ok", "redis": "unavailable"}
            assert (answer["status"], list(answer["reasons"])) == ("unavailable", ["redis"])
            assert answer["reasons"]["redis"].startswith("ConnectionError: rate limits are kept per process")
        else:
            assert ready.status_code == 200, ready.text
            assert ready.json() == {"status": "ok", "checks": checks[redis], "reasons": {}}


async def test_the_openapi_schema_lists_the_auth_paths(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = {path.rstrip("/") for path in schema["paths"]}
    for name in ("send-otp", "verify-otp", "register", "register/manager", "login", "token/refresh", "logout"):
        assert f"/api/auth/{name}" in paths
        assert "post" in schema["paths"].get(f"/api/auth/{name}", schema["paths"].get(f"/api/auth/{name}/"))
    assert "/api/auth/me" in paths
    assert "/api/auth/password/change" in paths
    assert "/health/ready" in paths
    assert "/api/projects/create" not in paths  # the tracker's aliases stay out of the schema
    assert "BearerToken" in schema["components"]["securitySchemes"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/health/live", None, 200),
        ("GET", "/schema/openapi.json", None, 200),
        ("GET", "/api/auth/me/", None, 401),
        ("POST", LOGIN, {}, 400),
        ("POST", LOGIN, {"email": "nobody@example.com", "password": WRONG}, 401),
        ("GET", "/no/such/path", None, 404),
        ("DELETE", LOGIN, None, 405),
        ("POST", LOGIN, "x" * 70_000, 413),
        ("POST", LOGIN, "email=a", 415),
    ],
)
async def test_security_headers_on_every_response(
    client: AsyncTestClient[Any], method: str, path: str, body: Any, status: int
) -> None:
    kwargs: dict[str, Any] = {"content": body} if isinstance(body, str) else {"json": body} if body is not None else {}
    if isinstance(body, str) and status == 413:
        kwargs["headers"] = {"Content-Type": "application/json"}
    response = await client.request(method, path, **kwargs)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in response.headers


async def test_hsts_when_forcing_https(database_url: str, settings_for: Callable[..., Settings]) -> None:
    container = build(settings_for(database_url, force_https=True))
    async with AsyncTestClient(app=create_app(container)) as client:
        for path, status in (("/health/live", 200), ("/api/auth/me/", 401)):  # never a redirect for the API
            response = await client.get(path)
            assert response.status_code == status
            assert response.headers["strict-transport-security"].startswith("max-age=")


async def test_metrics_answer_prometheus_text(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/health/live")).status_code == 200
    response = await client.get("/metrics", headers=METRICS)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE taskreward_requests_total counter" in response.text
    assert 'taskreward_requests_total{app_name="taskreward",method="GET",path="/health/live",status_code="200"}' in (
        response.text
    )


def database_work(text: str) -> dict[str, float]:
    """Sums each taskreward_db_* counter over its labels."""
    totals: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        if family.name.startswith("taskreward_db_"):
            totals[family.name] = sum(s.value for s in family.samples if s.name.endswith("_total"))
    return totals


async def test_metrics_count_the_database_work_of_each_request(
    client: AsyncTestClient[Any], container: Container, accounts: Any
) -> None:
    admin = await accounts("admin")
    created = await client.post("/api/tasks/", json={"name": "Count my statements", "points": 1}, headers=admin.headers)
    assert created.status_code == 201, created.text
    seen = {"statements": 0, "transactions": 0}

    sent: list[str] = []

    def on_statement(*args: Any) -> None:
        seen["statements"] += 1
        sent.append(args[2])

    def on_begin(*_args: Any) -> None:
        seen["transactions"] += 1

    engine = container.engine.sync_engine
    # PostgreSQL's reads have their own engine (autocommit: its statements count, its BEGINs reach no server).
    engines = {engine, (container.read_engine or container.engine).sync_engine}
    before = database_work((await client.get("/metrics", headers=METRICS)).text)
    for each in engines:
        event.listen(each, "before_cursor_execute", on_statement)
    event.listen(engine, "begin", on_begin)
    try:
        response = await client.get(f"/api/tasks/{created.json()['slug']}/", headers=admin.headers)
    finally:
        for each in engines:
            event.remove(each, "before_cursor_execute", on_statement)
        event.remove(engine, "begin", on_begin)
    assert response.status_code == 200, response.text
    after = database_work((await client.get("/metrics", headers=METRICS)).text)
    # The signed-in admin and their sign-in are kept in the process after the first request: only the task is read.
    work = [s for s in sent if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK"))]
    assert len(work) == 1, ("the task is read from the database, and nothing else", sent)
    assert after["taskreward_db_statements"] - before["taskreward_db_statements"] == seen["statements"]
    assert after["taskreward_db_transactions"] - before["taskreward_db_transactions"] == seen["transactions"]
    assert after["taskreward_db_checkouts"] - before["taskreward_db_checkouts"] >= 1


async def test_every_429_says_when_to_come_back(tmp_path: Path, sqlite_db: str) -> None:
    """The general limiter's refusals carry Retry-After, as the sign-in limits' do."""
    settings = make_settings(sqlite_db, tmp_path, rate_limit_per_minute=2)
    async with build(settings) as container, AsyncTestClient(app=create_app(container)) as client:
        answers = [await client.get("/api/tasks/") for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 429]
    assert int(answers[-1].headers["retry-after"]) >= 1
    assert answers[-1].json()["code"] == "too_many_requests"


def test_the_sign_in_limits_are_settings(tmp_path: Path) -> None:
    env = {
        "TASKREWARD_VAR_DIR": str(tmp_path),
        "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS_MINUTE": "3",
        "LOGIN_FAILURES_PER_ACCOUNT_HOUR": "40",
        "OTP_SENDS_PER_ACCOUNT_HOUR": "9",
    }
    limits = build(Settings.from_env(env)).identity.limits
    assert limits.login_failures_per_account_address_minute == 3
    assert limits.login_failures_per_account_hour == 40
    assert limits.otp_sends_per_account_hour == 9
    assert limits.otp_sends_per_account_address_hour == 5  # the default where none is set


async def test_metrics_answer_only_the_metrics_token(client: AsyncTestClient[Any]) -> None:
    assert (await client.get("/metrics")).status_code == 401
    wrong = await client.get("/metrics", headers={"Authorization": "Bearer not-the-token"})
    assert wrong.status_code == 401
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert (await client.get("/metrics", headers=METRICS)).status_code == 200


async def test_without_a_token_the_app_serves_no_metrics(tmp_path: Path, sqlite_db: str) -> None:
    settings = make_settings(sqlite_db, tmp_path, metrics_token=None)
    async with build(settings) as container, AsyncTestClient(app=create_app(container)) as client:
        assert (await client.get("/metrics")).status_code == 404


async def test_metrics_bind_serves_them_on_an_address_apart() -> None:
    from entrypoints.http.metrics import serve_metrics_apart

    port = free_port()
    server = serve_metrics_apart(f"127.0.0.1:{port}")
    try:
        async with httpx.AsyncClient() as http:
            answer = await http.get(f"http://127.0.0.1:{port}/metrics")
        assert answer.status_code == 200
        assert "taskreward_db_statements_total" in answer.text
    finally:
        server.shutdown()
