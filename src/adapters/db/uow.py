"""The SQL unit of work: one connection, one transaction, rolled back unless committed."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncTransaction

from adapters.db.accounts import (
    SqlAuditLog,
    SqlEmailTokenRepository,
    SqlOtpRepository,
    SqlRefreshSessionRepository,
    SqlUserRepository,
)
from adapters.db.jobs import SqlDeliveryRepository, SqlJobQueries, SqlOutboxRepository
from adapters.db.projects import SqlInvitationRepository, SqlMembershipRepository, SqlProjectRepository
from adapters.db.work import (
    SqlAssignmentRepository,
    SqlIdempotencyRepository,
    SqlLedgerRepository,
    SqlNotificationRepository,
    SqlTaskRepository,
    SqlWalletRepository,
)
from application.ports import (
    BOARD,
    AssignmentRepository,
    AuditLog,
    DeliveryRepository,
    EmailTokenRepository,
    IdempotencyRepository,
    InvitationRepository,
    JobQueries,
    LedgerRepository,
    ListCache,
    MembershipRepository,
    NotificationRepository,
    OtpRepository,
    OutboxRepository,
    ProjectRepository,
    RefreshSessionRepository,
    TaskRepository,
    UserRepository,
    WalletRepository,
)

log = logging.getLogger(__name__)
AfterCommit = Callable[[list[UUID]], Awaitable[object]]


class SqlUnitOfWork:
    users: UserRepository
    otps: OtpRepository
    email_tokens: EmailTokenRepository
    sessions: RefreshSessionRepository
    audit: AuditLog
    tasks: TaskRepository
    assignments: AssignmentRepository
    wallets: WalletRepository
    ledger: LedgerRepository
    notifications: NotificationRepository
    idempotency: IdempotencyRepository
    memberships: MembershipRepository
    projects: ProjectRepository
    invitations: InvitationRepository
    outbox: OutboxRepository
    deliveries: DeliveryRepository
    jobs: JobQueries

    def __init__(
        self, engine: AsyncEngine, after_commit: AfterCommit | None = None, cache: ListCache | None = None
    ) -> None:
        self._engine = engine
        self._after_commit = after_commit
        self._cache = cache
        self._board_changed = False
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
        self.tasks = SqlTaskRepository(self._conn, self._mark_board_changed)
        self.assignments = SqlAssignmentRepository(self._conn, self._mark_board_changed)
        self.wallets = SqlWalletRepository(self._conn)
        self.ledger = SqlLedgerRepository(self._conn)
        self.notifications = SqlNotificationRepository(self._conn)
        self.idempotency = SqlIdempotencyRepository(self._conn)
        self.memberships = SqlMembershipRepository(self._conn, self._mark_board_changed)
        self.projects = SqlProjectRepository(self._conn, self._mark_board_changed)
        self.invitations = SqlInvitationRepository(self._conn)
        self.outbox = SqlOutboxRepository(self._conn, [])
        self.deliveries = SqlDeliveryRepository(self._conn)
        self.jobs = SqlJobQueries(self._conn, self._mark_board_changed)
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

    def _mark_board_changed(self) -> None:
        self._board_changed = True

    async def commit(self) -> None:
        assert self._tx is not None
        await self._tx.commit()
        if self._board_changed and self._cache is not None:
            # Before the caller answers, so the next read anywhere sees the change.
            try:
                await self._cache.invalidate(BOARD)
            except Exception:
                log.exception("could not invalidate the list cache")
            self._board_changed = False
        written = self.outbox.written()
        if written and self._after_commit is not None:
            try:
                await self._after_commit(written)
            except Exception:
                log.exception("relaying %d outbox message(s) after commit failed", len(written))


class SqlUnitOfWorkFactory:
    def __init__(
        self, engine: AsyncEngine, after_commit: AfterCommit | None = None, cache: ListCache | None = None
    ) -> None:
        self.engine = engine
        self.after_commit = after_commit
        self.cache = cache

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.after_commit, self.cache)
