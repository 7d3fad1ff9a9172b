"""The Dramatiq actors as declared: a per-minute job left waiting past two runs is skipped, not replayed."""

from __future__ import annotations

import time
from typing import Any

import dramatiq
import pytest
from dramatiq.brokers.stub import StubBroker
from dramatiq.middleware.asyncio import AsyncIO

from entrypoints.worker import ACTOR_OPTIONS, declare_actors

PER_MINUTE_JOBS = ["expire_claims", "auto_approve", "sweep_outbox"]


class RecordingRuntime:
    def __init__(self) -> None:
        self.ran: list[str] = []

    async def handlers(self) -> dict[str, Any]:
        def record(name: str) -> Any:
            async def run(**_: str) -> None:
                self.ran.append(name)

            return run

        return {name: record(name) for name in ACTOR_OPTIONS}


@pytest.mark.parametrize("job", PER_MINUTE_JOBS)
def test_a_stale_per_minute_run_is_skipped_and_a_fresh_one_runs(job: str) -> None:
    broker = StubBroker()
    broker.add_middleware(AsyncIO())
    runtime = RecordingRuntime()
    actors = declare_actors(broker, runtime)  # type: ignore[arg-type]
    worker = dramatiq.Worker(broker, worker_timeout=50)
    worker.start()
    try:
        stale = actors[job].message()
        stale = stale.copy(message_timestamp=int(time.time() * 1000) - ACTOR_OPTIONS[job]["max_age"] - 1_000)
        broker.enqueue(stale)
        broker.join(actors[job].queue_name, fail_fast=False)  # skipped, so dead-lettered
        worker.join()
        assert runtime.ran == []
        assert [m.message_id for m in broker.dead_letters] == [stale.message_id]
        actors[job].send()
        broker.join(actors[job].queue_name, fail_fast=False)
        worker.join()
        assert runtime.ran == [job]
        assert len(broker.dead_letters) == 1
    finally:
        worker.stop()
        broker.close()


def test_the_daily_and_email_jobs_have_no_age_limit() -> None:
    assert [name for name, options in ACTOR_OPTIONS.items() if "max_age" in options] == PER_MINUTE_JOBS
