"""Real PostgreSQL (a fresh database per run), SQLite, Redis, an aiosmtpd SMTP server and the app."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import msgspec
import pytest
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from litestar.testing import AsyncTestClient
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text
from sqlalchemy.engine import make_url

from adapters.db.migrate import sync_url, upgrade
from adapters.db.tables import metadata
from adapters.ratelimit import MemoryRateLimiter
from adapters.security.passwords import Argon2PasswordHasher
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL, service_missing
from tests.fakes.services import FakeClock

SECRET = "integration-test-secret-key-0123456789abcdef"
METRICS_TOKEN = "integration-metrics-token-42"
METRICS = {"Authorization": f"Bearer {METRICS_TOKEN}"}
# Real argon2id, at a cost fit for tests: production's default takes about half a second per hash here.
FAST_HASHER = Argon2PasswordHasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def build(settings: Settings, **overrides: Any) -> Container:
    """The composition root as production calls it, with the test-cost password hasher."""
    overrides.setdefault("hasher", FAST_HASHER)
    return bootstrap(settings, **overrides)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    admin_url = make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
    admin = create_sync_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"taskreward_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # any connection failure
        admin.dispose()
        service_missing("PostgreSQL", exc)
    url = admin_url.set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('db') / 'taskreward.db'}"
    upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    _empty_tables(url)
    return url


@pytest.fixture
def pg_url(postgres_url: str) -> str:
    _empty_tables(postgres_url)
    return postgres_url


def _empty_tables(url: str) -> None:
    """Empties every table between tests, past the triggers that keep ledger transfers from being deleted."""
    engine = create_sync_engine(sync_url(url))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Row-level triggers do not fire on TRUNCATE.
            conn.execute(text(f"TRUNCATE {', '.join(t.name for t in metadata.sorted_tables)}"))
        else:
            triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
            for name, _ in triggers:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
            for _, sql in triggers:
                conn.execute(text(sql))
    engine.dispose()


@pytest.fixture
def fresh_postgres_url() -> Iterator[str]:
    admin = create_sync_engine(
        make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    name = f"taskreward_migrations_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        service_missing("PostgreSQL", exc)
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'not-yet-there' / 'fresh.db'}"  # upgrade makes the folder
    return str(request.getfixturevalue("fresh_postgres_url"))


@pytest.fixture(scope="session")
def redis_url() -> str:
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:
        service_missing("Redis", exc)
    finally:
        client.close()
    return TEST_REDIS_URL


@dataclass
class SmtpInbox:
    host: str
    port: int
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["To"] == address]

    async def wait_for(self, address: str, count: int = 1, timeout: float = 10.0) -> Message:
        async with asyncio.timeout(timeout):
            while len(self.to(address)) < count:
                await asyncio.sleep(0.02)
        return self.to(address)[count - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_smtp() -> Iterator[SmtpInbox]:
    """An aiosmtpd server on a free port, collecting what it receives."""
    inbox = SmtpInbox("127.0.0.1", free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator[SmtpInbox]:
    with running_smtp() as inbox:
        yield inbox


def text_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text/plain part")


def make_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    settings = Settings(
        database_url=database_url,
        secret_key=SECRET,
        var_dir=tmp_path / "var",
        media_root=tmp_path / "var" / "media",
        rate_limit_per_minute=0,
        db_pool_size=10,
        metrics_token=METRICS_TOKEN,
        redis_namespace=f"taskreward-test-{uuid.uuid4().hex[:12]}",
    )
    return msgspec.structs.replace(settings, **overrides)


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    def build(database_url: str, **overrides: Any) -> Settings:
        return make_settings(database_url, tmp_path, **overrides)

    return build


@pytest.fixture
async def container(database_url: str, tmp_path: Path, smtp: SmtpInbox) -> AsyncIterator[Container]:
    settings = make_settings(database_url, tmp_path, email_host=smtp.host, email_port=smtp.port)
    async with build(settings) as built:
        yield built


@pytest.fixture
async def client(container: Container) -> AsyncIterator[AsyncTestClient[Any]]:
    async with AsyncTestClient(app=create_app(container)) as test_client:
        yield test_client


@pytest.fixture
def sqlite_db(sqlite_url: str) -> str:
    """The SQLite database alone, emptied (like `pg_url` for PostgreSQL)."""
    _empty_tables(sqlite_url)
    return sqlite_url


@dataclass
class Account:
    user: Any
    access: str
    refresh: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


PASSWORD = "integration-pass-7419"


async def add_account(container: Container, client: AsyncTestClient[Any], role: str, email: str) -> Account:
    from domain.users import Role, User

    identity = container.identity
    user = User(
        email=email,
        full_name=email.split("@")[0].title(),
        role=Role(role),
        password_hash=await identity.hasher.hash(PASSWORD),
        created_at=identity.clock.now(),
    )
    async with identity.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    response = await client.post("/api/auth/login/", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    body = response.json()
    return Account(user=user, access=body["access"], refresh=body["refresh"])


@pytest.fixture
def accounts(container: Container, client: AsyncTestClient[Any]) -> Callable[..., Any]:
    counter = iter(range(1, 10_000))

    async def make(role: str = "member", email: str | None = None) -> Account:
        return await add_account(container, client, role, email or f"{role}{next(counter)}@example.com")

    return make


# PostgreSQL alone, over a real socket, for races: see tests/integration/live.py.
PG_POOL_SIZE = 20  # up to twice as many connections: the pool overflows by its own size


class InFlight:
    """Wraps the ASGI app to record how many HTTP requests it was handling at once, at the peak."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.now = 0
        self.peak = 0

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.now += 1
        self.peak = max(self.peak, self.now)
        try:
            await self.app(scope, receive, send)
        finally:
            self.now -= 1

    def reset(self) -> None:
        self.peak = self.now


@pytest.fixture
async def pg_container(pg_url: str, tmp_path: Path) -> AsyncIterator[Container]:
    # The login limits read a held clock: a burst of attempts never straddles two windows.
    limiter = MemoryRateLimiter(FakeClock(datetime(2030, 3, 17, 12, 0, 20, tzinfo=UTC)))
    async with build(make_settings(pg_url, tmp_path, db_pool_size=PG_POOL_SIZE), limiter=limiter) as built:
        yield built


@pytest.fixture
def pg_in_flight(pg_container: Container) -> InFlight:
    return InFlight(create_app(pg_container))


@pytest.fixture
async def pg_client(pg_in_flight: InFlight) -> AsyncIterator[Any]:
    """An httpx client of a live uvicorn server: requests sent with asyncio.gather really overlap."""
    from tests.integration.live import serve

    async with serve(pg_in_flight) as live_client:  # type: ignore[arg-type]
        yield live_client


async def quick_accounts(container: Container, role: str, count: int, prefix: str | None = None) -> list[Account]:
    """Many accounts at once: rows written directly and a real session issued for each, without argon2."""
    from application.identity import issue_new_session
    from domain.users import Role, User

    prefix = prefix or role
    made: list[Account] = []
    async with container.identity.uow() as uow:
        for n in range(count):
            email = f"{prefix}{n}-{uuid.uuid4().hex[:6]}@example.com"
            user = User(
                email=email,
                full_name=f"{role.title()} {n}",
                role=Role(role),
                password_hash="!unusable",
                created_at=container.identity.clock.now(),
            )
            await uow.users.add(user)
            pair = await issue_new_session(uow, user, container.identity)
            made.append(Account(user=user, access=pair.access, refresh=pair.refresh))
        await uow.commit()
    return made
