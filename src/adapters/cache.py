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

# The scope's version and the entry under it, in one round trip.
_VERSIONED_GET = """
local version = redis.call('GET', KEYS[1]) or '0'
return {version, redis.call('GET', ARGV[1] .. version .. ARGV[2])}
"""

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
        self._versioned_get = redis.register_script(_VERSIONED_GET)
        self.stats = CacheStats()

    async def fetch(self, scope: str, key: str, load: Callable[[], Awaitable[T]], result_type: type[T]) -> T:
        found = await self._stored(scope, f"obj:{key}", load, msgspec.msgpack.encode)
        if isinstance(found, bytes):
            return msgspec.msgpack.decode(found, type=result_type)
        value: T = found[0]
        return value

    async def fetch_rendered(
        self, scope: str, key: str, load: Callable[[], Awaitable[T]], render: Callable[[T], bytes]
    ) -> bytes:
        found = await self._stored(scope, f"bytes:{key}", load, render)
        if isinstance(found, bytes):
            return found
        value, raw = found
        return raw if raw is not None else render(value)

    async def _stored(
        self, scope: str, key: str, load: Callable[[], Awaitable[T]], encode: Callable[[T], bytes]
    ) -> bytes | tuple[T, bytes | None]:
        """The stored bytes on a hit; on a miss the loaded value and its bytes, stored for next time; while Redis
        is out (or an invalidation is owed and cannot be paid) the loaded value alone, from the database."""
        if self._outage.skipping("list_cache"):
            return await load(), None
        try:
            if scope in self._owed:
                await self._bump(scope)
                self._owed.discard(scope)
            version, cached = await self._versioned_get(
                keys=[f"{self._prefix}{scope}:version"], args=[f"{self._prefix}{scope}:v", f":{key}"]
            )
        except RedisError as exc:
            self._outage.failed("list_cache", exc)
            return await load(), None
        self._outage.succeeded()
        if cached is not None:
            self.stats.hit(scope)
            return cached.encode() if isinstance(cached, str) else bytes(cached)
        self.stats.miss(scope)
        value = await load()
        raw = encode(value)
        try:
            version_text = version.decode() if isinstance(version, bytes) else str(version)
            await self._redis.set(f"{self._prefix}{scope}:v{version_text}:{key}", raw, ex=self._ttl)
        except RedisError:
            log.warning("list cache unavailable; not storing")
        return value, raw

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

    async def fetch_rendered(
        self, scope: str, key: str, load: Callable[[], Awaitable[T]], render: Callable[[T], bytes]
    ) -> bytes:
        async def rendered() -> bytes:
            return render(await load())

        return await self.fetch(scope, f"bytes:{key}", rendered, bytes)

    async def invalidate(self, scope: str) -> None:
        self._versions[scope] = self._versions.get(scope, 0) + 1
        self._entries = {k: v for k, v in self._entries.items() if not k.startswith(f"{scope}:")}
