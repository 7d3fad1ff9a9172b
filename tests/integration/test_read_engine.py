"""PostgreSQL's reads: a pool of their own in autocommit, where the server refuses any write."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from entrypoints.bootstrap import Container


async def test_a_unit_of_work_of_reads_reads_and_cannot_write(container: Container) -> None:
    async with container.reads() as reads:
        assert await reads.users.get_by_email("nobody@example.com") is None
        if container.read_engine is not container.engine:  # PostgreSQL: the server itself refuses the write
            with pytest.raises(DBAPIError, match="read-only transaction"):
                await reads.connection.execute(text("CREATE TEMPORARY TABLE scratch (n int)"))
        else:  # SQLite: one engine, whose single writer also reads (its units of work are the writer's)
            assert container.settings.database_url.startswith("sqlite")
            return
    async with container.reads() as reads:
        with pytest.raises(RuntimeError, match="nothing to commit"):
            await reads.commit()
