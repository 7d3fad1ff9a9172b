"""Real PostgreSQL (a fresh database per run), SQLite, Redis, an aiosmtpd SMTP server and the app."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field, replace
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from litestar.testing import AsyncTestClient
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy import text
from sqlalchemy.engine import make_url

from adapters.db.migrate import sync_url, upgrade
from adapters.db.tables import metadata
from entrypoints.bootstrap import Container, bootstrap
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from tests.conftest import TEST_DATABASE_URL, TEST_REDIS_URL, service_missing

SECRET = "integration-test-secret-key-0123456789abcdef"


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
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    url: str = request.getfixturevalue(f"{request.param}_url")
    _empty_tables(url)
    yield url


@pytest.fixture
def pg_url(postgres_url: str) -> str:
    _empty_tables(postgres_url)
    return postgres_url


def _empty_tables(url: str) -> None:
    engine = create_sync_engine(sync_url(url))
    with engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            conn.execute(table.delete())
    engine.dispose()


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

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
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


@pytest.fixture
def smtp() -> Iterator[SmtpInbox]:
    inbox = SmtpInbox("127.0.0.1", free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    yield inbox
    controller.stop()


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
    )
    return replace(settings, **overrides)


@pytest.fixture
def settings_for(tmp_path: Path) -> Callable[..., Settings]:
    def build(database_url: str, **overrides: Any) -> Settings:
        return make_settings(database_url, tmp_path, **overrides)

    return build


@pytest.fixture
async def container(database_url: str, tmp_path: Path, smtp: SmtpInbox) -> AsyncIterator[Container]:
    settings = make_settings(database_url, tmp_path, email_host=smtp.host, email_port=smtp.port)
    built = bootstrap(settings)
    yield built
    await built.close()


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

    auth = container.auth
    user = User(
        email=email,
        full_name=email.split("@")[0].title(),
        role=Role(role),
        password_hash=await auth.hasher.hash(PASSWORD),
        created_at=auth.clock.now(),
    )
    async with auth.uow() as uow:
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
