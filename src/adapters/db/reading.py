"""What the read models share: a connection per query outside any unit of work, and LIKE patterns."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine


def like_pattern(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class Reader:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def rows(self, query: Any) -> list[Any]:
        async with self._engine.connect() as conn:
            return list((await conn.execute(query)).all())
