"""The SQL unit of work: one connection, one transaction, rolled back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from adapters.db.accounts import (
    SqlAuditLog,
    SqlEmailTokenRepository,
    SqlOtpRepository,
    SqlRefreshSessionRepository,
    SqlUserRepository,
)
from application.ports import AuditLog, EmailTokenRepository, OtpRepository, RefreshSessionRepository, UserRepository


class SqlUnitOfWork:
    users: UserRepository
    otps: OtpRepository
    email_tokens: EmailTokenRepository
    sessions: RefreshSessionRepository
    audit: AuditLog

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._conn: AsyncConnection | None = None
        self._tx: AsyncTransaction | None = None

    async def __aenter__(self) -> Self:
        self._conn = await self._engine.connect()
        self._tx = await self._conn.begin()
        self.users = SqlUserRepository(self._conn)
        self.otps = SqlOtpRepository(self._conn)
        self.email_tokens = SqlEmailTokenRepository(self._conn)
        self.sessions = SqlRefreshSessionRepository(self._conn)
        self.audit = SqlAuditLog(self._conn)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._conn is not None
        assert self._tx is not None
        try:
            if self._tx.is_active:
                await self._tx.rollback()
        finally:
            await self._conn.close()

    async def commit(self) -> None:
        assert self._tx is not None
        await self._tx.commit()


class SqlUnitOfWorkFactory:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine)
