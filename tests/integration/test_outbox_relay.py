"""The relay after commit costs the change no transaction of its own, and loses no message.

An approval writes its email's outbox row already handed over (leased) in its one transaction; after commit the
relay enqueues it. What the queue refuses is released to the sweep at once; what a process dying between the
commit and the enqueue leaves behind is handed over by the sweep when the lease runs out. On both databases.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import select

from adapters.db.tables import outbox
from application.outbox import sweep_outbox
from application.ports.messaging import QueueUnavailable
from domain.outbox import RELAY_GRACE, OutboxMessage
from entrypoints.bootstrap import Container
from entrypoints.http.app import create_app
from tests.fakes.services import FakeClock
from tests.integration.conftest import add_account, build, make_settings
from tests.integration.test_query_counts import APPROVAL_BUDGET, StatementLog, counting


@dataclass
class ScriptedQueue:
    """Records the jobs handed to it, running none; refuses them all while `down`."""

    jobs: list[tuple[str, str]] = field(default_factory=list)
    down: bool = False

    async def enqueue(self, job: str, **arguments: str) -> None:
        if self.down:
            raise QueueUnavailable("the broker is down")
        self.jobs.append((job, arguments["outbox_id"]))


@dataclass
class Rig:
    container: Container
    client: AsyncTestClient[Any]
    queue: ScriptedQueue

    made: int = 0

    async def approved_work(self, name: str) -> tuple[Any, OutboxMessage, StatementLog]:
        """An admin's task claimed, submitted and approved over HTTP: the approval's response, its email, and
        the database work the approval request did."""
        admin, member = await self.account("admin"), await self.account("member")
        created = await self.client.post("/api/tasks/", json={"name": name, "points": 3}, headers=admin.headers)
        claimed = await self.client.post(f"/api/tasks/{created.json()['slug']}/claim/", headers=member.headers)
        path = f"/api/assignments/{claimed.json()['id']}/"
        assert (await self.client.post(path + "submit/", headers=member.headers)).status_code == 200
        self.queue.jobs.clear()
        with counting(self.container) as log:
            approved = await self.client.post(path + "approve/", headers=admin.headers)
        assert approved.status_code == 200, approved.text
        return approved, await self.approval_email(), log

    async def account(self, role: str) -> Any:
        self.made += 1
        return await add_account(self.container, self.client, role, f"{role}{self.made}@example.com")

    async def approval_email(self) -> OutboxMessage:
        async with self.container.engine.connect() as conn:
            ids = (await conn.execute(select(outbox.c.id, outbox.c.payload))).all()
        [message_id] = [row.id for row in ids if row.payload["template"] == "approved"]
        return await self.message(message_id)

    async def message(self, message_id: UUID) -> OutboxMessage:
        async with self.container.uow() as work:
            found = await work.outbox.get(message_id)
        assert found is not None
        return found


@pytest.fixture
async def rig(database_url: str, tmp_path: Path) -> AsyncIterator[Rig]:
    queue = ScriptedQueue()
    container = build(make_settings(database_url, tmp_path), queue=queue)
    async with container, AsyncTestClient(app=create_app(container)) as client:
        yield Rig(container, client, queue)


async def test_an_approval_is_one_transaction_and_its_email_is_handed_over_after(rig: Rig) -> None:
    approved, message, log = await rig.approved_work("Counted once")
    assert approved.json()["status"] == "approved"
    # One connection, one transaction: the email's row was written handed over, the relay needed none.
    assert (log.begins, log.checkouts) == (1, 1), log.statements
    assert not any(s.lstrip().startswith("UPDATE outbox") for s in log.work), log.statements
    if rig.container.engine.dialect.name == "postgresql":  # SQLite has no data-modifying CTEs
        assert len(log.work) <= APPROVAL_BUDGET, log.work
    assert rig.queue.jobs == [("send_email", str(message.id))]
    assert (message.dispatched_at, message.done_at) == (message.created_at, None)

    # Not due for the sweep while its lease runs: handed over once, not twice.
    lease = rig.container.jobs.lease
    during = FakeClock(message.created_at + lease - timedelta(seconds=1))
    assert await sweep_outbox(rig.container.uow, rig.queue, during, lease) == 0
    assert rig.queue.jobs == [("send_email", str(message.id))]


async def test_a_refusing_queue_leaves_the_email_due_for_the_sweep(rig: Rig) -> None:
    rig.queue.down = True
    approved, message, _ = await rig.approved_work("Queue down")
    assert approved.json()["status"] == "approved"  # the approval stands, whatever the queue does
    assert rig.queue.jobs == []
    assert (message.dispatched_at, message.done_at) == (None, None)  # released: waiting, not handed over
    assert message.due_at == message.created_at + RELAY_GRACE

    rig.queue.down = False
    lease = rig.container.jobs.lease
    assert await sweep_outbox(rig.container.uow, rig.queue, FakeClock(message.created_at), lease) == 0
    later = FakeClock(message.created_at + RELAY_GRACE + timedelta(seconds=1))
    assert await sweep_outbox(rig.container.uow, rig.queue, later, lease) == 1
    assert rig.queue.jobs == [("send_email", str(message.id))]
    assert (await rig.message(message.id)).dispatched_at == later.now()
    assert await sweep_outbox(rig.container.uow, rig.queue, later, lease) == 0


async def test_an_email_committed_but_never_enqueued_is_handed_over_after_its_lease(rig: Rig) -> None:
    relay = rig.container.uow.after_commit
    assert relay is not None

    async def died_after_commit(messages: list[OutboxMessage]) -> None:
        """The process ends between the commit and the enqueue: the relay never runs."""

    rig.container.uow.after_commit = died_after_commit
    approved, message, _ = await rig.approved_work("Crashed after commit")
    rig.container.uow.after_commit = relay
    assert approved.json()["status"] == "approved"
    assert rig.queue.jobs == []
    assert (message.dispatched_at, message.done_at) == (message.created_at, None)

    lease = rig.container.jobs.lease
    during = FakeClock(message.created_at + lease - timedelta(seconds=1))
    assert await sweep_outbox(rig.container.uow, rig.queue, during, lease) == 0
    after = FakeClock(message.created_at + lease + timedelta(seconds=1))
    assert await sweep_outbox(rig.container.uow, rig.queue, after, lease) == 1
    assert rig.queue.jobs == [("send_email", str(message.id))]
    assert await sweep_outbox(rig.container.uow, rig.queue, after, lease) == 0  # leased again from `after`
