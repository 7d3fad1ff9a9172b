"""A repository for a dataclass whose fields are the columns of one table."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from sqlalchemy import Row, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")


class TableRepository(Generic[T]):
    table: ClassVar[Table]
    entity: ClassVar[type[Any]]

    def __init__(self, connection: AsyncConnection, on_write: Callable[[], None] | None = None) -> None:
        self._conn = connection
        self._on_write = on_write or (lambda: None)

    def to_row(self, obj: T) -> dict[str, Any]:
        return {
            f.name: (value.value if isinstance(value := getattr(obj, f.name), Enum) else value)
            for f in dataclasses.fields(obj)  # type: ignore[arg-type]
        }

    def from_row(self, row: Row[Any]) -> T:
        return self.entity(**row._mapping)  # type: ignore[no-any-return]

    async def add(self, obj: T) -> None:
        await self._conn.execute(insert(self.table).values(self.to_row(obj)))
        self._on_write()

    async def get(self, obj_id: UUID, *, for_update: bool = False) -> T | None:
        query = select(self.table).where(self.table.c.id == obj_id)
        return await self.first(query.with_for_update() if for_update else query)

    async def update(self, obj: T) -> None:
        values = self.to_row(obj)
        obj_id = values.pop("id")
        await self._conn.execute(update(self.table).where(self.table.c.id == obj_id).values(values))
        self._on_write()

    async def first(self, query: Any) -> T | None:
        row = (await self._conn.execute(query)).first()
        return None if row is None else self.from_row(row)
