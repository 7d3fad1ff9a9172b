"""What every fake repository does: hand out detached copies of rows, and show the entities to the unit of work."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar
from uuid import UUID

from tests.fakes.store import Tables, detached

Track = Callable[[object], None]


class FakeRepository:
    table: ClassVar[str]

    def __init__(self, tables: Tables, track: Track | None = None) -> None:
        self.t = tables
        self._track = track or (lambda _: None)

    def out(self, row: Any) -> Any:
        if row is None:
            return None
        obj = detached(row)
        self._track(obj)
        return obj

    def first(self, match: Callable[[Any], bool]) -> Any:
        return self.out(next((row for row in self.t.rows(self.table) if match(row)), None))

    def where(self, match: Callable[[Any], bool]) -> list[Any]:
        return [row for row in self.t.rows(self.table) if match(row)]

    async def add(self, obj: Any) -> None:
        self.t.put(self.table, obj.id, obj)
        self._track(obj)

    async def get(self, obj_id: UUID, *, for_update: bool = False) -> Any:
        return self.out(self.t.get(self.table, obj_id))

    async def update(self, obj: Any) -> None:
        assert self.t.get(self.table, obj.id) is not None, "an update of a row that is not there"
        self.t.put(self.table, obj.id, obj)
