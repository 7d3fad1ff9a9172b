"""The Dramatiq broker on Redis, built once per process, with the AsyncIO middleware async actors need."""

from __future__ import annotations

from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware.asyncio import AsyncIO

from adapters.redis_outage import sync_client

NAMESPACE = "taskreward"


def create_broker(redis_url: str, *, namespace: str = NAMESPACE, connect_timeout: float | None = None) -> RedisBroker:
    # Given a URL, RedisBroker builds its own pool and drops any connection option: build the client here.
    client = sync_client(redis_url, connect_timeout=connect_timeout)
    broker = RedisBroker(client=client, namespace=namespace)  # type: ignore[no-untyped-call]
    broker.add_middleware(AsyncIO())
    return broker
