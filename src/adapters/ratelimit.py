"""Fixed-window counters: Redis when several processes share them, memory for the embedded default."""

from __future__ import annotations

import time
from collections.abc import Callable

from redis.asyncio import Redis


def _window_key(key: str, window_seconds: int, now: float) -> str:
    return f"{key}:{window_seconds}:{int(now // window_seconds)}"


_DECREMENT_IF_POSITIVE = """
if tonumber(redis.call('GET', KEYS[1]) or '0') > 0 then return redis.call('DECR', KEYS[1]) end
return 0
"""


class RedisRateLimiter:
    def __init__(self, redis: Redis, *, prefix: str = "taskreward:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def hit(self, key: str, window_seconds: int) -> int:
        name = self._prefix + _window_key(key, window_seconds, time.time())
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, window_seconds + 1)
            count, _ = await pipe.execute()
        return int(count)

    async def count(self, key: str, window_seconds: int) -> int:
        value = await self._redis.get(self._prefix + _window_key(key, window_seconds, time.time()))
        return int(value or 0)

    async def give_back(self, key: str, window_seconds: int) -> None:
        name = self._prefix + _window_key(key, window_seconds, time.time())
        await self._redis.eval(_DECREMENT_IF_POSITIVE, 1, name)

    async def reset(self, key: str, window_seconds: int) -> None:
        await self._redis.delete(self._prefix + _window_key(key, window_seconds, time.time()))

    async def cooldown(self, key: str, seconds: int) -> bool:
        return bool(await self._redis.set(self._prefix + key, b"1", nx=True, ex=seconds))


class MemoryRateLimiter:
    def __init__(self, now: Callable[[], float] = time.time) -> None:
        self._now = now
        self._counts: dict[str, tuple[float, int]] = {}

    def _expire(self) -> None:
        now = self._now()
        for name in [name for name, (until, _) in self._counts.items() if until <= now]:
            del self._counts[name]

    async def hit(self, key: str, window_seconds: int) -> int:
        self._expire()
        now = self._now()
        name = _window_key(key, window_seconds, now)
        _, count = self._counts.get(name, (0.0, 0))
        self._counts[name] = ((now // window_seconds + 1) * window_seconds, count + 1)
        return count + 1

    async def count(self, key: str, window_seconds: int) -> int:
        self._expire()
        return self._counts.get(_window_key(key, window_seconds, self._now()), (0.0, 0))[1]

    async def give_back(self, key: str, window_seconds: int) -> None:
        name = _window_key(key, window_seconds, self._now())
        if name in self._counts and self._counts[name][1] > 0:
            until, count = self._counts[name]
            self._counts[name] = (until, count - 1)

    async def reset(self, key: str, window_seconds: int) -> None:
        self._counts.pop(_window_key(key, window_seconds, self._now()), None)

    async def cooldown(self, key: str, seconds: int) -> bool:
        self._expire()
        if key in self._counts:
            return False
        self._counts[key] = (self._now() + seconds, 1)
        return True
