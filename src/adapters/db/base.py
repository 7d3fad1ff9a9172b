"""A repository for a dataclass whose fields are the columns of one table.

Every entity it hands out or takes in is shown to the unit of work (`track`), which collects their events.
Its statements are built once per table and executed with parameters: SQLAlchemy then finds them compiled
in its cache instead of building and keying a fresh expression on every request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any, ClassVar, Generic, TypeVar
from uuid import UUID

from sqlalchemy import Executable, Insert, Row, Select, Table, Update, bindparam, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection

from adapters.db.errors import refusals
from domain.access import ProjectRole

T = TypeVar("T")

# A bound parameter may not share a column's name in an UPDATE (the SET clause takes those names).
ID = "id_"


class TableRepository(Generic[T]):
    table: ClassVar[Table]
    entity: ClassVar[type[Any]]
    # A refused insert keeps the unit of work usable (a savepoint) where a use case goes on after it.
    savepoint_on_add: ClassVar[bool] = False
    _insert: ClassVar[Insert]
    _update: ClassVar[Update]
    _by_id: ClassVar[Select[Any]]
    _by_id_locked: ClassVar[Select[Any]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "table" in cls.__dict__:
            table = cls.table
            cls._insert = insert(table)
            cls._update = update(table).where(table.c.id == bindparam(ID))
            cls._by_id = select(table).where(table.c.id == bindparam(ID))
            cls._by_id_locked = cls._by_id.with_for_update()

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
            name: (value.value if isinstance(value := getattr(obj, name), Enum) else value)
            for name in _column_fields(type(obj))
        }

    def from_row(self, row: Row[Any]) -> T:
        return self.entity(**row._mapping)  # type: ignore[no-any-return]

    def handed_out(self, row: Row[Any]) -> T:
        obj = self.from_row(row)
        self._track(obj)
        return obj

    async def write(
        self, statement: Executable, params: Mapping[str, Any] | None = None, *, savepoint: bool = False
    ) -> CursorResult[Any]:
        """Executes a write; a known constraint violation comes back as its domain error."""
        async with refusals():
            if savepoint:
                async with self._conn.begin_nested():
                    result = await self._conn.execute(statement, params)
            else:
                result = await self._conn.execute(statement, params)
        self._on_write()
        return result

    async def add(self, obj: T) -> None:
        await self.write(self._insert, self.to_row(obj), savepoint=self.savepoint_on_add)
        self._track(obj)

    async def get(self, obj_id: UUID, *, for_update: bool = False) -> T | None:
        return await self.first(self._by_id_locked if for_update else self._by_id, {ID: obj_id})

    async def update(self, obj: T) -> None:
        values = self.to_row(obj)
        values[ID] = values.pop("id")
        await self.write(self._update, values)

    def from_values(self, values: dict[str, Any]) -> T:
        return self.entity(**values)  # type: ignore[no-any-return]

    async def first_with_role(self, query: Any, params: Mapping[str, Any]) -> tuple[T, ProjectRole | None] | None:
        """A row of the entity's columns and `member_role`: the reader's role in the entity's project."""
        row = (await self._conn.execute(query, params)).first()
        if row is None:
            return None
        values = dict(row._mapping)
        role = values.pop("member_role")
        obj = self.from_values(values)
        self._track(obj)
        return obj, None if role is None else ProjectRole(role)

    async def first(self, query: Any, params: Mapping[str, Any] | None = None) -> T | None:
        row = (await self._conn.execute(query, params)).first()
        return None if row is None else self.handed_out(row)

    async def all(self, query: Any, params: Mapping[str, Any] | None = None) -> list[T]:
        return [self.handed_out(row) for row in (await self._conn.execute(query, params)).all()]


_FIELDS: dict[type, tuple[str, ...]] = {}


def _column_fields(entity: type) -> tuple[str, ...]:
    """The names of an entity's fields that are columns (those its constructor takes), found once per type."""
    names = _FIELDS.get(entity)
    if names is None:
        names = _FIELDS[entity] = tuple(f.name for f in dataclasses.fields(entity) if f.init)
    return names
