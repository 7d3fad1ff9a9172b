"""Nothing lost when Redis loses its queue, and a worker that stops when its process group is told to.

Real parts (see fault_rig): a Redis server of the test's own, aiosmtpd, `taskreward worker` as a subprocess,
and a fresh PostgreSQL database. The API runs in the test, enqueueing onto the same private Redis.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from application.outbox import sweep_outbox
from entrypoints.bootstrap import Container
from tests.fakes.services import FakeClock
from tests.integration.fault_rig import (
    PrivateRedis,
    RestartableSmtp,
    WorkerProcess,
    api_for,
    eventually,
    migrated_postgres,
    outbox_rows,
    private_redis,
    restartable_smtp,
    running,
    worker_env,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


async def test_a_queue_lost_with_redis_is_delivered_exactly_once_within_two_sweeps(
    migrated_postgres: str,
    private_redis: PrivateRedis,
    restartable_smtp: RestartableSmtp,
    tmp_path: Path,
) -> None:
    inbox = restartable_smtp.inbox
    worker = WorkerProcess(worker_env(migrated_postgres, private_redis.url, inbox, tmp_path), tmp_path / "worker.log")
    async with api_for(migrated_postgres, private_redis, restartable_smtp, tmp_path) as api:
        names = [f"Crate {n}" for n in range(3)]
        for name in names:  # the worker is stopped: the jobs wait in Redis
            await api.approved_work(name)
        handed_over = await outbox_rows(api.container)
        assert handed_over
        assert all(r.dispatched_at is not None and r.done_at is None for r in handed_over)
        private_redis.flush()  # Redis restarts without persistence: every queued job is gone

        async with running(worker):
            lease = api.container.jobs.lease
            after_lease = FakeClock(max(r.dispatched_at for r in handed_over) + lease + timedelta(seconds=1))
            assert await sweep_outbox(api.container.uow, api.container.queue, after_lease, lease) == len(handed_over)
            await inbox.wait_for(api.member.user.email, count=len(names), timeout=60)
            await eventually(lambda: _all_done(api.container), timeout=60)
            later = FakeClock(after_lease.now() + lease + timedelta(seconds=1))
            assert await sweep_outbox(api.container.uow, api.container.queue, later, lease) == 0

        subjects = sorted(m["Subject"] for m in inbox.to(api.member.user.email))
        assert subjects == [f"Approved: {name}" for name in names]  # each once, none lost


async def _all_done(container: Container) -> bool:
    return all(r.done_at is not None for r in await outbox_rows(container))


async def test_sigterm_to_the_workers_process_group_stops_it_within_its_shutdown_timeout(
    migrated_postgres: str, private_redis: PrivateRedis, restartable_smtp: RestartableSmtp, tmp_path: Path
) -> None:
    env = worker_env(migrated_postgres, private_redis.url, restartable_smtp.inbox, tmp_path)
    worker = WorkerProcess(env, tmp_path / "worker.log", shutdown_timeout=5)
    async with running(worker):
        # Before the fix it never exited: a forwarded second SIGTERM raised SystemExit in the main thread only.
        status = worker.terminate_group(timeout=45)
    assert status == 0, worker.output()[-3000:]
    assert "cannot schedule new futures" not in worker.output()
    assert "Killing worker process" not in worker.output()
    assert "Worker has been shut down." in worker.output()
