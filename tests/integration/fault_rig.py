"""Real parts the fault tests break on purpose: a Redis server of their own, an SMTP server they stop and
restart on the same port, and `taskreward worker` as a subprocess in its own process group."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import msgspec
import pytest
import redis
from aiosmtpd.controller import Controller
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from adapters.db.migrate import upgrade
from adapters.db.tables import email_deliveries, outbox
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from tests.conftest import service_missing
from tests.integration.conftest import SECRET, Account, SmtpInbox, build, free_port, make_settings, quick_accounts

TASKREWARD = str(Path(sys.executable).with_name("taskreward"))
READY = "Worker process is ready for action."


class PrivateRedis:
    """A redis-server on a free port, without persistence: stopping it loses everything, as in the issue."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            service_missing("redis-server", FileNotFoundError("redis-server is not installed"))
        command = [str(binary), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self._process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)
        client.close()

    def stop(self) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(10)
            self._process = None

    def flush(self) -> None:
        """Loses every queued job, as a restart without persistence does (only ever on this private server)."""
        client = redis.Redis.from_url(self.url)
        client.flushall()
        client.close()


class RestartableSmtp:
    """An aiosmtpd server that can be stopped and started again on the same port, keeping what it received."""

    def __init__(self) -> None:
        self.inbox = SmtpInbox("127.0.0.1", free_port())
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname=self.inbox.host, port=self.inbox.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class WorkerProcess:
    """`taskreward worker` in its own process group (as systemd runs it), its output in a log file."""

    def __init__(self, env: dict[str, str], log: Path, *, shutdown_timeout: float = 10.0) -> None:
        self.env = env
        self.log = log
        self.shutdown_timeout = shutdown_timeout
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [TASKREWARD, "worker", "--processes", "1", "--threads", "2"]
        command += ["--shutdown-timeout", str(self.shutdown_timeout)]
        before = len(self.output())
        with self.log.open("ab") as out:
            self._process = subprocess.Popen(
                command, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 90
        while READY not in self.output()[before:]:
            assert self._process.poll() is None, self.output()
            assert time.monotonic() < deadline, self.output()
            time.sleep(0.05)

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def terminate_group(self, timeout: float) -> int | None:
        """SIGTERM to the whole process group; the exit status, or None if it was still running at `timeout`."""
        assert self._process is not None
        os.killpg(self._process.pid, signal.SIGTERM)
        try:
            return self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGKILL)
            self._process.wait(10)


def worker_env(database_url: str, redis_url: str, smtp: SmtpInbox, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS", "DATABASE", "EMAIL", "SECRET"))}
    env |= {"DATABASE_URL": database_url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET}
    env |= {"EMAIL_HOST": smtp.host, "EMAIL_PORT": str(smtp.port), "TASKREWARD_VAR_DIR": str(tmp_path / "var")}
    env |= {"LOG_LEVEL": "INFO", "LOG_FORMAT": "console", **extra}
    return env


@pytest.fixture
def private_redis() -> Iterator[PrivateRedis]:
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def restartable_smtp() -> Iterator[RestartableSmtp]:
    server = RestartableSmtp()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def migrated_postgres(fresh_postgres_url: str) -> str:
    upgrade(fresh_postgres_url)
    return fresh_postgres_url


@asynccontextmanager
async def running(worker: WorkerProcess) -> AsyncIterator[WorkerProcess]:
    await asyncio.to_thread(worker.start)
    try:
        yield worker
    finally:
        worker.kill()


async def rows(container: Container, query: Any) -> list[Any]:
    async with container.engine.connect() as conn:
        return list((await conn.execute(query)).all())


async def outbox_rows(container: Container) -> list[Any]:
    return await rows(container, select(outbox).order_by(outbox.c.created_at))


async def delivery_rows(container: Container) -> list[Any]:
    return await rows(container, select(email_deliveries))


async def eventually(check: Any, timeout: float = 30.0) -> Any:
    """Polls `check()` (an async callable) until it returns something truthy; that, or a failure at `timeout`."""
    async with asyncio.timeout(timeout):
        while not (found := await check()):
            await asyncio.sleep(0.05)
    return found


class Api:
    def __init__(self, container: Container, client: AsyncTestClient[Any], admin: Account, member: Account) -> None:
        self.container, self.client, self.admin, self.member = container, client, admin, member

    async def approved_work(self, name: str) -> None:
        """A task published, claimed, submitted and approved, every answer a success."""
        created = await self.client.post("/api/tasks/", json={"name": name, "points": 5}, headers=self.admin.headers)
        assert created.status_code == 201, created.text
        claimed = await self.client.post(f"/api/tasks/{created.json()['slug']}/claim/", headers=self.member.headers)
        assert claimed.status_code == 201, claimed.text
        path = f"/api/assignments/{claimed.json()['id']}/"
        submitted = await self.client.post(path + "submit/", json={"note": "done"}, headers=self.member.headers)
        assert submitted.status_code == 200, submitted.text
        approved = await self.client.post(path + "approve/", headers=self.admin.headers)
        assert approved.status_code == 200, approved.text


@asynccontextmanager
async def api_for(url: str, redis: PrivateRedis, smtp: RestartableSmtp, tmp_path: Path) -> AsyncIterator[Api]:
    # The private Redis is the test's alone: the default namespace, as the worker subprocess uses.
    settings = make_settings(url, tmp_path, redis_url=redis.url, redis_namespace="taskreward")
    settings = msgspec.structs.replace(settings, email_host=smtp.inbox.host, email_port=smtp.inbox.port)
    async with build(settings) as container, AsyncTestClient(app=create_app(container)) as client:
        [admin], [member] = [await quick_accounts(container, role, 1) for role in ("admin", "member")]
        yield Api(container, client, admin, member)
