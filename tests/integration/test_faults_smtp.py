"""SMTP down: an email is tried again with backoff (a short one here) and delivered once when SMTP is back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from application.outbox import sweep_outbox
from entrypoints.bootstrap import Container
from tests.integration.fault_rig import (
    PrivateRedis,
    RestartableSmtp,
    WorkerProcess,
    api_for,
    delivery_rows,
    eventually,
    migrated_postgres,
    outbox_rows,
    private_redis,
    restartable_smtp,
    running,
    worker_env,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]
# Retries a few hundredths of a second apart, for a minute: the worker's backoff setting, tiny for the test.
SHORT_BACKOFF = {"EMAIL_RETRY_FIRST_SECONDS": "0.02", "EMAIL_RETRY_LONGEST_SECONDS": "0.05"}


async def approval_delivery(container: Container, attempts: int) -> Any:
    """The approval email's delivery row once it has been tried `attempts` times (or more)."""
    messages = {r.id: r for r in await outbox_rows(container) if r.payload["template"] == "approved"}
    found = [d for d in await delivery_rows(container) if d.outbox_id in messages and d.attempts >= attempts]
    return found[0] if found else None


async def test_an_email_written_while_smtp_is_down_is_delivered_once_after_it_returns(
    migrated_postgres: str, private_redis: PrivateRedis, restartable_smtp: RestartableSmtp, tmp_path: Path
) -> None:
    inbox = restartable_smtp.inbox
    env = worker_env(migrated_postgres, private_redis.url, inbox, tmp_path, **SHORT_BACKOFF)
    async with (
        api_for(migrated_postgres, private_redis, restartable_smtp, tmp_path) as api,
        running(WorkerProcess(env, tmp_path / "worker.log")),
    ):
        restartable_smtp.stop()
        await api.approved_work("Sand the floor")
        failed_once = await eventually(lambda: approval_delivery(api.container, 1))
        assert (failed_once.status, failed_once.last_error != "") == ("pending", True)
        [message] = [r for r in await outbox_rows(api.container) if r.id == failed_once.outbox_id]
        assert (message.done_at, message.dispatched_at, message.last_error) == (None, None, failed_once.last_error)

        # Still down: the sweep hands it over again once due, and the worker records another failure.
        c = api.container
        assert (await sweeping_until(c, lambda: approval_delivery(c, 2))).status == "pending"

        restartable_smtp.start()
        delivered = await sweeping_until(c, lambda: _sent(c))
        assert delivered.attempts >= 3
        assert (await inbox.wait_for(api.member.user.email))["Subject"] == "Approved: Sand the floor"
        assert await sweep_outbox(c.uow, c.queue, c.clock, c.jobs.lease) == 0
    assert [m["Subject"] for m in inbox.to(api.member.user.email)] == ["Approved: Sand the floor"]


async def sweeping_until(container: Container, check: Any) -> Any:
    """Runs the sweep (as the scheduler does every minute) until `check()` finds what it looks for."""

    async def step() -> Any:
        await sweep_outbox(container.uow, container.queue, container.clock, container.jobs.lease)
        await asyncio.sleep(0.1)
        return await check()

    return await eventually(step, timeout=60)


async def _sent(container: Container) -> Any:
    found = await approval_delivery(container, 1)
    return found if found is not None and found.status == "sent" else None
