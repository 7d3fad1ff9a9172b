"""Dramatiq workers: each actor is a line that looks up its job in the job table the inline runner uses too.

The broker comes from the adapters and is set before the actors are declared on it (see worker_boot).
"""

from __future__ import annotations

import asyncio
from typing import Any

import dramatiq

from adapters.jobs.dramatiq_queue import QUEUE
from entrypoints.bootstrap import bootstrap
from entrypoints.job_table import Handler
from entrypoints.settings import Settings

MINUTE_MS = 60_000
# The per-minute jobs skip a message older than two runs: a backlog (workers down for an hour) does not replay
# sixty stale runs, the next fresh one does the work.
PER_MINUTE = {"max_retries": 3, "time_limit": 5 * MINUTE_MS, "max_age": 2 * MINUTE_MS}
ACTOR_OPTIONS: dict[str, dict[str, Any]] = {
    # The outbox drives an email's retries over hours (its row survives losing Redis); these only cover a
    # crash of the job itself (the database away for a moment). A duplicate is harmless: delivery is idempotent.
    "send_email": {"max_retries": 3, "min_backoff": 1_000, "max_backoff": MINUTE_MS},
    "expire_claims": PER_MINUTE,
    "auto_approve": PER_MINUTE,
    "sweep_outbox": {**PER_MINUTE, "max_retries": 0},
    "mark_overdue": {"max_retries": 5, "time_limit": 30 * MINUTE_MS},
    "daily_digest": {"max_retries": 5, "time_limit": 30 * MINUTE_MS},
    "purge": {"max_retries": 3},
    "check_ledger": {"max_retries": 0, "time_limit": 30 * MINUTE_MS},
    "retry_failed_email": {"max_retries": 0},
}


class WorkerRuntime:
    """Builds the adapters once per worker event loop, inside that loop (connections belong to a loop)."""

    def __init__(self, settings: Settings, broker: dramatiq.Broker) -> None:
        self._settings = settings
        self._broker = broker
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handlers: dict[str, Handler] = {}

    async def handlers(self) -> dict[str, Handler]:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            self._handlers, self._loop = bootstrap(self._settings, broker=self._broker).handlers, loop
        return self._handlers


def declare_actors(broker: dramatiq.Broker, runtime: WorkerRuntime) -> dict[str, dramatiq.Actor[Any, Any]]:
    def make(name: str) -> Any:
        async def run(**arguments: str) -> None:
            await (await runtime.handlers())[name](**arguments)

        run.__name__ = run.__qualname__ = name
        return run

    return {
        name: dramatiq.actor(actor_name=name, broker=broker, queue_name=QUEUE, **options)(make(name))
        for name, options in ACTOR_OPTIONS.items()
    }
