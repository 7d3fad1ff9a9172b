"""A repository for a dataclass whose fields are the columns of one table.

Every entity it hands out or takes in is shown to the unit of work (`track`), which collects their events.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from sqlalchemy import Executable, Row, Table, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.errors import refusals

T = TypeVar("T")


class TableRepository(Generic[T]):
    table: ClassVar[Table]
    entity: ClassVar[type[Any]]
    # A refused insert keeps the unit of work usable (a savepoint) where a use case goes on after it.
    savepoint_on_add: ClassVar[bool] = False

    def __init__(
        self,
        connection: AsyncConnection,
        on_write: Callable[[], None] | None = None,
        track: Callable[[object], None] | None = None,
    ) -> None:
        self._conn = connection
        self._on_write = on_write or (lambda: None)
        self._track = track or (lambda _: None)

    def to_row(self, obj: T) -> dict[str, Any]:
        return {
            f.name: (value.value if isinstance(value := getattr(obj, f.name), Enum) else value)
            for f in dataclasses.fields(obj)  # type: ignore[arg-type]
            if f.init
        }

    def from_row(self, row: Row[Any]) -> T:
        return self.entity(**row._mapping)  # type: ignore[no-any-return]

    def handed_out(self, row: Row[Any]) -> T:
        obj = self.from_row(row)
        self._track(obj)
        return obj

    async def write(self, statement: Executable, *, savepoint: bool = False) -> CursorResult[Any]:
        """Executes a write; a known constraint violation comes back as its domain error."""
        async with refusals():
            if savepoint:
                async with self._conn.begin_nested():
                    result = await self._conn.execute(statement)
            else:
                result = await self._conn.execute(statement)
        self._on_write()
        return result

    async def add(self, obj: T) -> None:
        await self.write(insert(self.table).values(self.to_row(obj)), savepoint=self.savepoint_on_add)
        self._track(obj)

    async def get(self, obj_id: UUID, *, for_update: bool = False) -> T | None:
        query = select(self.table).where(self.table.c.id == obj_id)
        return await self.first(query.with_for_update() if for_update else query)

    async def update(self, obj: T) -> None:
        values = self.to_row(obj)
        obj_id = values.pop("id")
        await self.write(update(self.table).where(self.table.c.id == obj_id).values(values))

    async def first(self, query: Any) -> T | None:
        row = (await self._conn.execute(query)).first()
        return None if row is None else self.handed_out(row)

    async def all(self, query: Any) -> list[T]:
        return [self.handed_out(row) for row in (await self._conn.execute(query)).all()]
