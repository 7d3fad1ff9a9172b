"""The Dramatiq broker on Redis, built once per process, with the AsyncIO middleware async actors need."""

from __future__ import annotations

import redis
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware.asyncio import AsyncIO

NAMESPACE = "taskreward"


def create_broker(redis_url: str, *, namespace: str = NAMESPACE, connect_timeout: float | None = None) -> RedisBroker:
    # Given a URL, RedisBroker builds its own pool and drops any connection option: build the client here.
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=connect_timeout)
    broker = RedisBroker(client=client, namespace=namespace)  # type: ignore[no-untyped-call]
    broker.add_middleware(AsyncIO())
    return broker
