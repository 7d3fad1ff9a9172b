"""Signed-in users kept in the process: authentication without a database read, forgotten everywhere at once.

A copy is a user with one live sign-in; forgetting a user drops every sign-in of theirs, so ending one
session (or all, or changing the account) is seen by the next request in every listening process.

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
from datetime import datetime
from uuid import UUID

from redis.asyncio import Redis
from redis.exceptions import RedisError

from adapters.redis_outage import Outage
from application.ports.security import UserSignIn
from domain.sign_ins import SignIn
from domain.users import User

log = logging.getLogger(__name__)
KEEP_SECONDS = 30.0  # a bound in case a message is lost between a commit and its publication
MAX_USERS = 50_000


class LocalSignedInUsers:
    def __init__(self, *, keep_seconds: float = KEEP_SECONDS, now: Callable[[], float] = time.monotonic) -> None:
        self._keep = keep_seconds
        self._now = now
        # user id -> sign-in id -> (kept until, user, sign-in): forgetting a user drops all their sign-ins
        self._users: dict[UUID, dict[UUID, tuple[float, User, SignIn]]] = {}
        self._forgets = 0  # counts every forget, so a load that raced one is not kept
        self.listening = True

    async def signed_in(
        self, user_id: UUID, sign_in_id: UUID, load: Callable[[], Awaitable[UserSignIn | None]]
    ) -> UserSignIn | None:
        kept = self._users.get(user_id, {}).get(sign_in_id)
        if kept is not None and kept[0] > self._now():
            return dataclasses.replace(kept[1]), dataclasses.replace(kept[2])
        before = self._forgets
        found = await load()
        if found is not None and self.listening and before == self._forgets:
            if len(self._users) >= MAX_USERS:
                self._users.clear()
            user, sign_in = found
            deadline = self._now() + self._keep
            self._users.setdefault(user_id, {})[sign_in_id] = (
                deadline,
                dataclasses.replace(user),
                dataclasses.replace(sign_in),
            )
        return found

    def used(self, user_id: UUID, sign_in_id: UUID, at: datetime) -> None:
        kept = self._users.get(user_id, {}).get(sign_in_id)
        if kept is not None:
            self._users[user_id][sign_in_id] = (kept[0], kept[1], dataclasses.replace(kept[2], last_used_at=at))

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
    def __init__(
        self, redis: Redis, *, channel: str, keep_seconds: float = KEEP_SECONDS, outage: Outage | None = None
    ) -> None:
        super().__init__(keep_seconds=keep_seconds)
        self._redis = redis
        self._channel = channel
        self._outage = outage or Outage()
        self.listening = False

    async def forget(self, user_ids: Collection[UUID]) -> None:
        self.drop(user_ids)
        if not user_ids:
            return
        # Tried even during an outage this process saw: a process that hears Redis again must hear this too.
        try:
            await self._redis.publish(self._channel, " ".join(str(u) for u in user_ids))
        except RedisError as exc:
            # The change is committed; processes that cannot hear Redis keep no copies, the others at most
            # KEEP_SECONDS.
            self._outage.failed("signed_in", exc)

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
                        self._outage.succeeded()
                    elif message["type"] == "message":
                        data = message["data"]
                        text = data.decode() if isinstance(data, bytes) else str(data)
                        self.drop([UUID(part) for part in text.split()])
            except (RedisError, OSError) as exc:
                # Logged once per outage (with every other use of Redis), and counted; authenticating reads the
                # database until this process hears the others again.
                self._outage.failed("signed_in", exc)
            except ValueError:
                log.warning("signed-in users: a message that is not user ids; listening again")
            finally:
                self.listening = False
                self.drop(None)
                with contextlib.suppress(RedisError, OSError):
                    await pubsub.aclose()  # type: ignore[no-untyped-call]
            await asyncio.sleep(retry_seconds)
