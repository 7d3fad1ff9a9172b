"""Builds the async engine, with SQLite tuned to behave like a careful single-writer database.

Every engine counts its statements, transactions and pool checkouts in Prometheus counters (served on
/metrics), so the database work each operation costs can be read off a live server.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

STATEMENTS = Counter(
    "taskreward_db_statements_total", "SQL statements sent to the database, by first keyword", ["verb"]
)
TRANSACTIONS = Counter("taskreward_db_transactions_total", "Database transactions begun")
CHECKOUTS = Counter("taskreward_db_checkouts_total", "Connections checked out of the pool")
_VERBS = {verb: STATEMENTS.labels(verb) for verb in ("select", "insert", "update", "delete", "with", "other")}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, pool_size: int = 10, echo: bool = False, read_only: bool = False) -> AsyncEngine:
    """`read_only` (PostgreSQL only) is the engine of reads: each statement commits by itself (no BEGIN and
    ROLLBACK round trips around a lone SELECT; under READ COMMITTED a transaction's statements each take their
    own snapshot anyway), and PostgreSQL refuses any write on its connections."""
    if read_only and is_sqlite(url):
        raise ValueError("SQLite has one engine: its reads take the writer's")
    if is_sqlite(url):
        engine = create_async_engine(url, echo=echo, hide_parameters=True, connect_args={"timeout": 30})
        _make_sqlite_transactions_immediate(engine)
    else:
        engine = create_async_engine(
            url,
            echo=echo,
            # No overflow: under load, connections opened and closed around a full pool cost more than waiting
            # for one (PostgreSQL starts a process for each). No ping per checkout either (a round trip each): a
            # connection found dead fails its request and empties the pool, and the next ones reconnect.
            pool_size=pool_size,
            max_overflow=0,
            pool_recycle=1800,
            hide_parameters=True,  # values such as digests and emails never reach the logs
            **(
                {"isolation_level": "AUTOCOMMIT", "connect_args": {"options": "-c default_transaction_read_only=on"}}
                if read_only
                else {}
            ),
        )
    _count_database_work(engine, transactions=not read_only)
    return engine


def _count_database_work(engine: AsyncEngine, *, transactions: bool = True) -> None:
    """`transactions=False` for an autocommit engine: SQLAlchemy still begins its own, but none reaches the server."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _on_statement(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        verb = statement.lstrip()[:6].lower()
        (_VERBS.get(verb) or _VERBS["with" if verb.startswith("with") else "other"]).inc()

    if transactions:

        @event.listens_for(engine.sync_engine, "begin")
        def _on_begin(_conn: Any) -> None:
            TRANSACTIONS.inc()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(*_args: Any) -> None:
        CHECKOUTS.inc()


def _make_sqlite_transactions_immediate(engine: AsyncEngine) -> None:
    """SQLite upgrades read locks lazily and then fails; taking the write lock at BEGIN waits instead."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
