"""The list cache: versioned keys, so one version bump after a write hides every older entry at once."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from prometheus_client import Counter
from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.redis_outage import Outage

log = logging.getLogger(__name__)
T = TypeVar("T")
TTL_SECONDS = 300

HITS = Counter("taskreward_cache_hits_total", "List cache hits", ["scope"])
MISSES = Counter("taskreward_cache_misses_total", "List cache misses", ["scope"])


class CacheStats:
    def __init__(self) -> None:
        self.hits = 0
        self.misses = 0

    def hit(self, scope: str) -> None:
        self.hits += 1
        HITS.labels(scope).inc()

    def miss(self, scope: str) -> None:
        self.misses += 1
        MISSES.labels(scope).inc()


class RedisListCache:
    """Shared by every process. While Redis fails, reads go to the database. A scope whose invalidation failed
    is owed one: it is read from the database until the invalidation goes through, so no stale entry survives."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str = "taskreward:cache:",
        ttl_seconds: int = TTL_SECONDS,
        outage: Outage | None = None,
    ) -> None:
        self._redis = redis
        self._prefix = prefix
        self._ttl = ttl_seconds
        self._outage = outage or Outage()
        self._owed: set[str] = set()
        self.stats = CacheStats()

    async def fetch(self, scope: str, key: str, load: Callable[[], Awaitable[T]], result_type: type[T]) -> T:
        if self._outage.skipping("list_cache"):
            return await load()
        try:
            if scope in self._owed:
                await self._bump(scope)
                self._owed.discard(scope)
            version = int(await self._redis.get(f"{self._prefix}{scope}:version") or 0)
            name = f"{self._prefix}{scope}:v{version}:{key}"
            cached = await self._redis.get(name)
        except RedisError as exc:
            self._outage.failed("list_cache", exc)
            return await load()
        self._outage.succeeded()
        if cached is not None:
            self.stats.hit(scope)
            raw = cached.encode() if isinstance(cached, str) else cached
            return msgspec.msgpack.decode(raw, type=result_type)
        self.stats.miss(scope)
        value = await load()
        try:
            await self._redis.set(name, msgspec.msgpack.encode(value), ex=self._ttl)
        except RedisError:
            log.warning("list cache unavailable; not storing")
        return value

    async def invalidate(self, scope: str) -> None:
        try:
            if self._outage.skipping("list_cache"):
                raise RedisError("Redis is unavailable")
            await self._bump(scope)
        except RedisError as exc:
            self._owed.add(scope)
            self._outage.failed("list_cache", exc)

    async def _bump(self, scope: str) -> None:
        name = f"{self._prefix}{scope}:version"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            # Outlives every entry (5 minutes), so a lapsed version can never revive an old one.
            pipe.expire(name, 24 * 3600)
            await pipe.execute()


class MemoryListCache:
    """For the embedded default: one process, so a dictionary is enough."""

    def __init__(self, *, ttl_seconds: int = TTL_SECONDS, now: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl_seconds
        self._now = now
        self._versions: dict[str, int] = {}
        self._entries: dict[str, tuple[float, Any]] = {}
        self.stats = CacheStats()

    async def fetch(self, scope: str, key: str, load: Callable[[], Awaitable[T]], result_type: type[T]) -> T:
        name = f"{scope}:v{self._versions.get(scope, 0)}:{key}"
        entry = self._entries.get(name)
        if entry is not None and entry[0] > self._now():
            self.stats.hit(scope)
            return entry[1]  # type: ignore[no-any-return]
        self.stats.miss(scope)
        value = await load()
        if len(self._entries) > 10_000:
            self._entries.clear()
        self._entries[name] = (self._now() + self._ttl, value)
        return value

    async def invalidate(self, scope: str) -> None:
        self._versions[scope] = self._versions.get(scope, 0) + 1
        self._entries = {k: v for k, v in self._entries.items() if not k.startswith(f"{scope}:")}
