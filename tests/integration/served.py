"""The app on a fresh PostgreSQL database, served by uvicorn in a thread of its own, for synchronous callers
(schemathesis, a generated client): they talk to it over a real socket, as any client would."""

from __future__ import annotations

import asyncio
import tempfile
import threading
import uuid
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from adapters.db.migrate import upgrade
from domain.users import Role, User
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from tests.conftest import TEST_DATABASE_URL, service_missing
from tests.integration.conftest import PASSWORD, build, free_port, make_settings

T = TypeVar("T")


@contextmanager
def fresh_database() -> Iterator[str]:
    """A database of its own, migrated, dropped on the way out."""
    admin = create_engine(
        make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    name = f"taskreward_served_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        service_missing("PostgreSQL", exc)
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Served:
    base_url: str
    container: Container
    loop: asyncio.AbstractEventLoop

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        """Runs a coroutine on the server's loop, where the container's connections live."""
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(timeout=30)

    def account(self, role: Role, email: str) -> dict[str, str]:
        """A user made directly, then signed in over HTTP: the headers that carry their access token."""
        identity = self.container.identity

        async def add() -> None:
            user = User(
                email, email.split("@")[0].title(), role, await identity.hasher.hash(PASSWORD), identity.clock.now()
            )
            async with identity.uow() as uow:
                await uow.users.add(user)
                await uow.commit()

        self.run(add())
        answer = httpx.post(f"{self.base_url}/api/auth/login/", json={"email": email, "password": PASSWORD})
        answer.raise_for_status()
        return {"Authorization": f"Bearer {answer.json()['access']}"}


@contextmanager
def served(tmp_path: Path, **settings: Any) -> Iterator[Served]:
    with fresh_database() as url:
        port = free_port()
        container = build(make_settings(url, tmp_path, **settings))
        server = uvicorn.Server(uvicorn.Config(create_app(container), host="127.0.0.1", port=port, log_level="warning"))
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_until_complete, args=(server.serve(),), daemon=True)
        thread.start()
        try:
            for _ in range(1500):
                if server.started:
                    break
                threading.Event().wait(0.01)
            yield Served(f"http://127.0.0.1:{port}", container, loop)
        finally:
            server.should_exit = True
            thread.join(timeout=30)
            loop.close()


def document_of_the_app() -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        settings = make_settings(f"sqlite+aiosqlite:///{folder}/schema.db", Path(folder))
        document: dict[str, Any] = create_app(build(settings)).openapi_schema.to_schema()
    return document
