"""The stores behind Litestar's page sessions, and what they do while Redis is down.

Page sessions cannot fall back to memory (a session kept in one process's memory is lost on the next request
to another): a page that needs one answers 503 with a clear page until Redis is back, and pages without a
session go on working. (The request limit has its own adapter, `adapters/request_limit.py`, which does fall
back to this process's memory.)
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from litestar.stores.base import Store
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from adapters.redis_outage import Outage


class _OnRedis(Store):
    def __init__(self, primary: RedisStore, outage: Outage, component: str) -> None:
        self._primary = primary
        self._outage = outage
        self._component = component

    async def _fallback(self, method: str, *args: Any) -> Any:
        raise NotImplementedError

    async def _call(self, method: str, *args: Any) -> Any:
        if not self._outage.skipping(self._component):
            try:
                result = await getattr(self._primary, method)(*args)
            except RedisError as exc:
                self._outage.failed(self._component, exc)
            else:
                self._outage.succeeded()
                return result
        return await self._fallback(method, *args)

    async def set(self, key: str, value: str | bytes, expires_in: int | timedelta | None = None) -> None:
        await self._call("set", key, value, expires_in)

    async def get(self, key: str, renew_for: int | timedelta | None = None) -> bytes | None:
        found: bytes | None = await self._call("get", key, renew_for)
        return found

    async def delete(self, key: str) -> None:
        await self._call("delete", key)

    async def delete_all(self) -> None:
        await self._call("delete_all")

    async def exists(self, key: str) -> bool:
        return bool(await self._call("exists", key))

    async def expires_in(self, key: str) -> int | None:
        found: int | None = await self._call("expires_in", key)
        return found


class RequiredStore(_OnRedis):
    """Redis or nothing: during an outage each call fails at once with a ConnectionError (answered 503)."""

    async def _fallback(self, method: str, *args: Any) -> Any:
        raise RedisConnectionError(f"Redis is unavailable ({self._component} store)")


def store_registry(redis: Redis | None, namespace: str, outage: Outage) -> StoreRegistry:
    if redis is None:
        return StoreRegistry(default_factory=lambda _name: MemoryStore())

    def build(name: str) -> Store:
        return RequiredStore(RedisStore(redis, namespace=f"{namespace}:{name}"), outage, name)

    return StoreRegistry(default_factory=build)
