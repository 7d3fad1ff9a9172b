"""Dramatiq workers: the broker is made and set first, then the actors are declared on it.

Each actor is a line that looks up its job in the same job table the inline runner uses.
"""

from __future__ import annotations

import asyncio
from typing import Any

import dramatiq
import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware.asyncio import AsyncIO

from adapters.jobs.dramatiq_queue import QUEUE, DramatiqJobQueue
from domain.outbox import MAX_EMAIL_ATTEMPTS
from entrypoints.settings import Settings

NAMESPACE = "taskreward"
ACTOR_OPTIONS: dict[str, dict[str, Any]] = {
    "send_email": {"max_retries": MAX_EMAIL_ATTEMPTS, "min_backoff": 1_000, "max_backoff": 120_000},
    "expire_claims": {"max_retries": 3, "time_limit": 300_000},
    "auto_approve": {"max_retries": 3, "time_limit": 300_000},
    "mark_overdue": {"max_retries": 5, "time_limit": 1_800_000},
    "daily_digest": {"max_retries": 5, "time_limit": 1_800_000},
    "purge": {"max_retries": 3},
    "sweep_outbox": {"max_retries": 0},
    "check_ledger": {"max_retries": 0, "time_limit": 1_800_000},
}


def create_broker(redis_url: str, *, namespace: str = NAMESPACE, connect_timeout: float | None = None) -> RedisBroker:
    options: dict[str, Any] = {"socket_connect_timeout": connect_timeout} if connect_timeout else {}
    # Given a URL, RedisBroker builds its own pool and drops any connection option: build the client here.
    client = redis.Redis.from_url(redis_url, **options)
    broker = RedisBroker(client=client, namespace=namespace)  # type: ignore[no-untyped-call]
    broker.add_middleware(AsyncIO())
    return broker


class WorkerRuntime:
    """Builds the adapters once per worker event loop, inside that loop (connections belong to a loop)."""

    def __init__(self, settings: Settings, broker: dramatiq.Broker) -> None:
        self._settings = settings
        self._broker = broker
        self._loop: asyncio.AbstractEventLoop | None = None
        self._handlers: dict[str, Any] = {}

    async def handlers(self) -> dict[str, Any]:
        from entrypoints.bootstrap import bootstrap

        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            container = bootstrap(self._settings, queue=DramatiqJobQueue(self._broker))
            self._handlers, self._loop = container.handlers, loop
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
