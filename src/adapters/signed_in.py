"""Signed-in users kept in the process: authentication without a database read, forgotten everywhere at once.

`LocalSignedInUsers` serves one process (the embedded default). `RedisSignedInUsers` also publishes each
`forget` on a Redis channel that every API process listens to; a process keeps copies only while it is
subscribed, so a lost connection can never leave a deactivated user signed in there.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError

from domain.users import User

log = logging.getLogger(__name__)
KEEP_SECONDS = 30.0  # a bound in case a message is lost between a commit and its publication
MAX_USERS = 50_000


class LocalSignedInUsers:
    def __init__(self, *, keep_seconds: float = KEEP_SECONDS, now: Callable[[], float] = time.monotonic) -> None:
        self._keep = keep_seconds
        self._now = now
        self._users: dict[UUID, tuple[float, User]] = {}
        self._forgets = 0  # counts every forget, so a load that raced one is not kept
        self.listening = True

    async def user(self, user_id: UUID, load: Callable[[], Awaitable[User | None]]) -> User | None:
        kept = self._users.get(user_id)
        if kept is not None and kept[0] > self._now():
            return dataclasses.replace(kept[1])
        before = self._forgets
        user = await load()
        if user is not None and self.listening and before == self._forgets:
            if len(self._users) >= MAX_USERS:
                self._users.clear()
            self._users[user_id] = (self._now() + self._keep, dataclasses.replace(user))
        return user

    async def forget(self, user_ids: Collection[UUID]) -> None:
        self.drop(user_ids)

    def drop(self, user_ids: Collection[UUID] | None) -> None:
        """`None` drops every copy."""
        self._forgets += 1
        if user_ids is None:
            self._users.clear()
        for user_id in user_ids or ():
            self._users.pop(user_id, None)


class RedisSignedInUsers(LocalSignedInUsers):
    def __init__(self, redis: Redis, *, channel: str, keep_seconds: float = KEEP_SECONDS) -> None:
        super().__init__(keep_seconds=keep_seconds)
        self._redis = redis
        self._channel = channel
        self.listening = False

    async def forget(self, user_ids: Collection[UUID]) -> None:
        self.drop(user_ids)
        if not user_ids:
            return
        try:
            await self._redis.publish(self._channel, " ".join(str(u) for u in user_ids))
        except RedisError:
            # The change is committed; processes that cannot hear Redis keep no copies, the others at most
            # KEEP_SECONDS.
            log.warning("signed-in users: could not tell the other processes")

    async def listen(self, retry_seconds: float = 1.0) -> None:
        """Runs for the life of an API process: hears the other processes' `forget`s."""
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.subscribe(self._channel)
                while True:
                    message = await pubsub.get_message(timeout=None)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":
                        self.drop(None)
                        self.listening = True
                    elif message["type"] == "message":
                        data = message["data"]
                        text = data.decode() if isinstance(data, bytes) else str(data)
                        self.drop([UUID(part) for part in text.split()])
            except (RedisError, OSError, ValueError):
                log.warning("signed-in users: not hearing other processes; authenticating from the database")
            finally:
                self.listening = False
                self.drop(None)
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(retry_seconds)
