"""The scheduler's lock: each scheduled run is enqueued by one scheduler only, however many are running."""

from __future__ import annotations

from typing import Protocol


class ScheduleLock(Protocol):
    async def claim(self, key: str, seconds: int) -> bool:
        """Takes the key for `seconds`; False when another scheduler holds it already."""
        ...

    async def release(self, key: str) -> None:
        """Gives the key back early, for a run that could not be enqueued after all."""
        ...
