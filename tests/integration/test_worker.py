"""A real Dramatiq worker on real Redis, PostgreSQL and SMTP: the outbox, the jobs, and a Redis outage.

The API container enqueues onto the broker the in-test worker consumes; each test uses its own
Dramatiq namespace (also the prefix of its rate-limit keys), whose keys are deleted at the end.
"""

from __future__ import annotations

import asyncio
import socket
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import dramatiq
import httpx
import pytest
import redis
from redis.asyncio import Redis
from sqlalchemy import func, select, update

from adapters.clock import SystemClock
from adapters.db.tables import assignments, email_deliveries, ledger_transfers, outbox
from adapters.jobs.dramatiq_broker import create_broker
from adapters.jobs.dramatiq_queue import QUEUE, DramatiqJobQueue
from adapters.ratelimit import RedisRateLimiter
from application.outbox import sweep_outbox
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from entrypoints.settings import Settings
from entrypoints.worker import WorkerRuntime, declare_actors
from tests.fakes.services import FakeClock
from tests.integration.conftest import Account, SmtpInbox, build, free_port, quick_accounts, text_part
from tests.integration.live import serve

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@dataclass
class Stack:
    namespace: str
    settings: Settings
    broker: Any
    worker: dramatiq.Worker
    smtp: SmtpInbox

    async def settle(self) -> None:
        """Waits until every message (retries included) was processed and acknowledged."""
        await asyncio.to_thread(self.broker.join, QUEUE, timeout=30_000)
        await asyncio.to_thread(self.worker.join)


@dataclass
class Api:
    container: Container
    client: httpx.AsyncClient
    admin: Account
    member: Account


@pytest.fixture
def stack(pg_url: str, redis_url: str, smtp: SmtpInbox, settings_for: Callable[..., Settings]) -> Iterator[Stack]:
    namespace = f"taskreward-test-{uuid.uuid4().hex[:12]}"
    settings = settings_for(pg_url, email_host=smtp.host, email_port=smtp.port, redis_url=redis_url)
    broker = create_broker(redis_url, namespace=namespace)
    declare_actors(broker, WorkerRuntime(settings, broker))
    worker = dramatiq.Worker(broker, worker_threads=2, worker_timeout=100)
    worker.start()
    yield Stack(namespace, settings, broker, worker, smtp)
    worker.stop()
    broker.close()
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"{namespace}*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@asynccontextmanager
async def api_on(stack: Stack, broker: Any) -> AsyncIterator[Api]:
    """The HTTP app, enqueueing onto `broker`, with an admin and a member."""
    limiter_redis = Redis.from_url(str(stack.settings.redis_url))
    limiter = RedisRateLimiter(limiter_redis, SystemClock(), prefix=f"{stack.namespace}:limits:")
    container = build(stack.settings, queue=DramatiqJobQueue(broker), limiter=limiter)
    try:
        async with serve(create_app(container)) as client:
            [admin], [member] = [await quick_accounts(container, role, 1) for role in ("admin", "member")]
            yield Api(container, client, admin, member)
    finally:
        await container.close()
        await limiter_redis.aclose()


async def submitted_work(api: Api, name: str, points: int = 10, **task: Any) -> str:
    """Publishes a task that the member claims and submits; returns the assignment id."""
    body = {"name": name, "points": points, **task}
    created = await api.client.post("/api/tasks/", json=body, headers=api.admin.headers)
    assert created.status_code == 201, created.text
    claimed = await api.client.post(f"/api/tasks/{created.json()['slug']}/claim/", headers=api.member.headers)
    assert claimed.status_code == 201, claimed.text
    assignment_id: str = claimed.json()["id"]
    path = f"/api/assignments/{assignment_id}/submit/"
    submitted = await api.client.post(path, json={"note": "done"}, headers=api.member.headers)
    assert submitted.status_code == 200, submitted.text
    return assignment_id


async def approve(api: Api, assignment_id: str) -> float:
    """Approves through the HTTP app; returns how long the answer took."""
    started = time.monotonic()
    approved = await api.client.post(f"/api/assignments/{assignment_id}/approve/", headers=api.admin.headers)
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    return time.monotonic() - started


async def rows(container: Container, query: Any) -> list[Any]:
    async with container.engine.connect() as conn:
        return list((await conn.execute(query)).all())


async def approval_message(api: Api) -> Any:
    [message] = [r for r in await rows(api.container, select(outbox)) if r.payload["template"] == "approved"]
    assert message.payload["to"] == api.member.user.email
    return message


async def deliveries(api: Api) -> list[tuple[Any, ...]]:
    found = await rows(api.container, select(email_deliveries))
    return [(d.outbox_id, d.to, d.status, d.attempts) for d in found]


async def test_an_approval_emails_the_member_through_the_worker(stack: Stack) -> None:
    async with api_on(stack, stack.broker) as api:
        await approve(api, await submitted_work(api, "Paint the fence"))

        email = await stack.smtp.wait_for(api.member.user.email)
        assert email["Subject"] == "Approved: Paint the fence"
        assert "Paint the fence" in text_part(email)
        assert "10 points" in text_part(email)
        [html] = [p.get_payload(decode=True) for p in email.walk() if p.get_content_type() == "text/html"]
        assert b"<strong>Paint the fence</strong>" in html
        await stack.settle()
        message = await approval_message(api)
        assert message.done_at is not None
        assert await deliveries(api) == [(message.id, api.member.user.email, "sent", 1)]


async def test_a_send_email_job_delivered_three_times_at_once_sends_one_email(stack: Stack) -> None:
    async with api_on(stack, stack.broker) as api:
        assignment_id = await submitted_work(api, "Sort the archive")
        # Held back, so that the approval's job and two copies of it reach the worker together.
        await asyncio.to_thread(stack.worker.pause)
        await approve(api, assignment_id)
        message = await approval_message(api)
        queue = DramatiqJobQueue(stack.broker)
        for _ in range(2):
            await queue.enqueue("send_email", outbox_id=str(message.id))
        stack.worker.resume()
        await stack.settle()
        await queue.enqueue("send_email", outbox_id=str(message.id))  # and once more, long after
        await stack.settle()

        assert len(stack.smtp.to(api.member.user.email)) == 1
        assert await deliveries(api) == [(message.id, api.member.user.email, "sent", 1)]


async def test_a_redelivered_auto_approve_credits_once(stack: Stack) -> None:
    async with api_on(stack, stack.broker) as api:
        assignment_id = await submitted_work(api, "Water the plants", points=7, auto_approve_after_seconds=60)
        async with api.container.engine.begin() as conn:
            await conn.execute(update(assignments).values(auto_approve_at=func.now() - timedelta(minutes=1)))
        await asyncio.to_thread(stack.worker.pause)
        for _ in range(2):
            await DramatiqJobQueue(stack.broker).enqueue("auto_approve")
        stack.worker.resume()
        await stack.settle()

        assert (await stack.smtp.wait_for(api.member.user.email))["Subject"] == "Approved: Water the plants"
        assert len(stack.smtp.to(api.member.user.email)) == 1
        wallet = await api.client.get("/api/wallet/", headers=api.member.headers)
        assert wallet.json() == {"balance": 7, "earned": 7, "redeemed": 0}
        paid = select(ledger_transfers.c.kind, ledger_transfers.c.amount).where(ledger_transfers.c.kind != "reserve")
        assert [tuple(e) for e in await rows(api.container, paid)] == [("reward", 7)]
        state = await api.client.get(f"/api/assignments/{assignment_id}/", headers=api.member.headers)
        assert state.json()["status"] == "approved"


async def test_a_redis_outage_loses_no_email(stack: Stack) -> None:
    dead = create_broker(f"redis://127.0.0.1:{free_port()}/0", namespace=stack.namespace, connect_timeout=1)
    async with api_on(stack, dead) as api:
        await approve(api, await submitted_work(api, "Fix the gate"))
        wallet = await api.client.get("/api/wallet/", headers=api.member.headers)
        assert wallet.json() == {"balance": 10, "earned": 10, "redeemed": 0}
        message = await approval_message(api)
        assert (message.dispatched_at, message.done_at) == (None, None)
        assert await deliveries(api) == []

        # Redis is back: the sweep leaves a row alone for 30 s, then sends it, once.
        live, later = DramatiqJobQueue(stack.broker), FakeClock(message.created_at + timedelta(seconds=31))
        assert await sweep_outbox(api.container.uow, live, FakeClock(message.created_at)) == 0
        assert await sweep_outbox(api.container.uow, live, later) == 1
        assert await sweep_outbox(api.container.uow, live, later) == 0
        assert (await stack.smtp.wait_for(api.member.user.email))["Subject"] == "Approved: Fix the gate"
        await stack.settle()
        assert len(stack.smtp.to(api.member.user.email)) == 1
        assert (await approval_message(api)).done_at is not None
        assert await deliveries(api) == [(message.id, api.member.user.email, "sent", 1)]
    dead.close()


@contextmanager
def unanswered_port() -> Iterator[int]:
    """A port whose accept queue is full: a new connection hangs (the SYN is dropped) instead of failing."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = server.getsockname()[1]
    fillers = [socket.socket() for _ in range(3)]
    for filler in fillers:
        filler.setblocking(False)
        filler.connect_ex(("127.0.0.1", port))
    try:
        yield port
    finally:
        for sock in [*fillers, server]:
            sock.close()


async def test_an_unreachable_broker_gives_up_at_its_connect_timeout(stack: Stack) -> None:
    with unanswered_port() as port:
        hanging = create_broker(f"redis://127.0.0.1:{port}/0", namespace=stack.namespace, connect_timeout=1)
        async with api_on(stack, hanging) as api:
            took = await approve(api, await submitted_work(api, "Oil the hinges"))
            assert (await approval_message(api)).dispatched_at is None
        hanging.close()
    assert took < 3, f"the approval waited {took:.1f}s for a broker with a 1 s connect timeout"
