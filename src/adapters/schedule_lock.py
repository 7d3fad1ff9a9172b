"""The scheduler's lock: a Redis key set only if absent, or a dictionary for the one embedded process."""

from __future__ import annotations

from redis.asyncio import Redis

from application.ports.clock import Clock


class RedisScheduleLock:
    def __init__(self, redis: Redis, *, prefix: str = "taskreward:") -> None:
        self._redis = redis
        self._prefix = prefix

    async def claim(self, key: str, seconds: int) -> bool:
        return bool(await self._redis.set(self._prefix + key, b"1", nx=True, ex=seconds))

    async def release(self, key: str) -> None:
        await self._redis.delete(self._prefix + key)


class MemoryScheduleLock:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._held: dict[str, float] = {}

    async def claim(self, key: str, seconds: int) -> bool:
        now = self._clock.now().timestamp()
        self._held = {k: until for k, until in self._held.items() if until > now}
        if key in self._held:
            return False
        self._held[key] = now + seconds
        return True

    async def release(self, key: str) -> None:
        self._held.pop(key, None)
