"""Enqueues Dramatiq messages by actor name, so this adapter never imports the workers."""

from __future__ import annotations

import asyncio

import dramatiq
import redis

from application.ports.messaging import QueueUnavailable

QUEUE = "default"


class DramatiqJobQueue:
    def __init__(self, broker: dramatiq.Broker, *, queue_name: str = QUEUE) -> None:
        self._broker = broker
        self._queue_name = queue_name

    async def enqueue(self, job: str, **arguments: str) -> None:
        message: dramatiq.Message[object] = dramatiq.Message(
            queue_name=self._queue_name, actor_name=job, args=(), kwargs=dict(arguments), options={}
        )
        try:
            await asyncio.to_thread(self._broker.enqueue, message)
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError) as exc:
            raise QueueUnavailable(str(exc)) from exc
