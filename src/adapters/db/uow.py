"""The SQL unit of work: one connection, one transaction, rolled back unless committed.

Repositories are built on first use, so a use case that touches two tables builds two of them. Before the
commit, the events of the entities they handed out go to the side effects, in the same transaction. With a
relay wired (`after_commit`), the outbox rows are written as handed over and the relay enqueues them after
the commit: one transaction, whatever the queue does (see `application.outbox.relay`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import cached_property
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
from adapters.db.assignments import SqlAssignmentRepository, SqlReviewRepository
from adapters.db.ledger import SqlIdempotencyRepository, SqlLedgerRepository
from adapters.db.notifications import SqlNotificationRepository
from adapters.db.outbox import SqlDeliveryRepository, SqlOutboxRepository
from adapters.db.projects import SqlInvitationRepository, SqlMembershipRepository, SqlProjectRepository
from adapters.db.scheduled import SqlScheduledQueries
from adapters.db.sign_ins import (
    SqlEmailChangeRepository,
    SqlPasswordResetRepository,
    SqlRecoveryCodeRepository,
    SqlSignInRepository,
)
from adapters.db.tasks import SqlTaskRepository
from application.ports.messaging import ListCache
from application.ports.repositories import EventHandler
from application.queries import BOARD
from domain.events import Aggregate, Event
from domain.outbox import OutboxMessage

log = logging.getLogger(__name__)
AfterCommit = Callable[[list[OutboxMessage]], Awaitable[object]]


class SqlUnitOfWork:
    def __init__(
        self,
        engine: AsyncEngine,
        side_effects: EventHandler | None = None,
        after_commit: AfterCommit | None = None,
        cache: ListCache | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self._read_only = read_only
        self._engine = engine
        self._side_effects = side_effects
        self._after_commit = after_commit
        self._cache = cache
        self._seen: list[Aggregate] = []
        self._recorded: list[Event] = []
        self._board_changed = False
        self._conn: AsyncConnection | None = None
        self._tx: AsyncTransaction | None = None

    async def __aenter__(self) -> Self:
        self._conn = await self._engine.connect()
        self._tx = await self._conn.begin()
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

    @property
    def connection(self) -> AsyncConnection:
        assert self._conn is not None, "enter the unit of work first"
        return self._conn

    def _mark_board_changed(self) -> None:
        self._board_changed = True

    def _track(self, obj: object) -> None:
        if isinstance(obj, Aggregate):
            self._seen.append(obj)

    def record(self, *events: Event) -> None:
        self._recorded.extend(events)

    def _collect(self) -> list[Event]:
        events, self._recorded = self._recorded, []
        for aggregate in self._seen:
            events += aggregate.pull_events()
        return events

    @cached_property
    def users(self) -> SqlUserRepository:
        return SqlUserRepository(self.connection, track=self._track)

    @cached_property
    def otps(self) -> SqlOtpRepository:
        return SqlOtpRepository(self.connection, track=self._track)

    @cached_property
    def email_tokens(self) -> SqlEmailTokenRepository:
        return SqlEmailTokenRepository(self.connection, track=self._track)

    @cached_property
    def sessions(self) -> SqlRefreshSessionRepository:
        return SqlRefreshSessionRepository(self.connection, track=self._track)

    @cached_property
    def sign_ins(self) -> SqlSignInRepository:
        return SqlSignInRepository(self.connection, track=self._track)

    @cached_property
    def recovery_codes(self) -> SqlRecoveryCodeRepository:
        return SqlRecoveryCodeRepository(self.connection)

    @cached_property
    def password_resets(self) -> SqlPasswordResetRepository:
        return SqlPasswordResetRepository(self.connection)

    @cached_property
    def email_changes(self) -> SqlEmailChangeRepository:
        return SqlEmailChangeRepository(self.connection)

    @cached_property
    def audit(self) -> SqlAuditLog:
        return SqlAuditLog(self.connection)

    @cached_property
    def tasks(self) -> SqlTaskRepository:
        return SqlTaskRepository(self.connection, self._mark_board_changed, self._track, self.users.read_along)

    @cached_property
    def assignments(self) -> SqlAssignmentRepository:
        return SqlAssignmentRepository(self.connection, self._mark_board_changed, self._track)

    @cached_property
    def reviews(self) -> SqlReviewRepository:
        return SqlReviewRepository(self.connection)

    @cached_property
    def ledger(self) -> SqlLedgerRepository:
        return SqlLedgerRepository(self.connection, track=self._track)

    @cached_property
    def notifications(self) -> SqlNotificationRepository:
        return SqlNotificationRepository(self.connection, track=self._track)

    @cached_property
    def idempotency(self) -> SqlIdempotencyRepository:
        return SqlIdempotencyRepository(self.connection)

    @cached_property
    def memberships(self) -> SqlMembershipRepository:
        return SqlMembershipRepository(self.connection, self._mark_board_changed)

    @cached_property
    def projects(self) -> SqlProjectRepository:
        return SqlProjectRepository(self.connection, self._mark_board_changed, self._track)

    @cached_property
    def invitations(self) -> SqlInvitationRepository:
        return SqlInvitationRepository(self.connection, track=self._track)

    @cached_property
    def outbox(self) -> SqlOutboxRepository:
        return SqlOutboxRepository(self.connection, leased=self._after_commit is not None)

    @cached_property
    def deliveries(self) -> SqlDeliveryRepository:
        return SqlDeliveryRepository(self.connection)

    @cached_property
    def scheduled(self) -> SqlScheduledQueries:
        return SqlScheduledQueries(self.connection)

    async def commit(self) -> None:
        assert self._tx is not None
        if self._read_only:
            raise RuntimeError("a unit of work of reads has nothing to commit")
        events = self._collect()
        if events and self._side_effects is not None:
            await self._side_effects(events, self)
        await self._tx.commit()
        if self._board_changed and self._cache is not None:
            # Before the caller answers, so the next read anywhere sees the change.
            try:
                await self._cache.invalidate(BOARD)
            except Exception:
                log.exception("could not invalidate the list cache")
            self._board_changed = False
        written = self.outbox.written() if "outbox" in self.__dict__ else []
        if written and self._after_commit is not None:
            try:
                await self._after_commit(written)
            except Exception:
                log.exception("relaying %d outbox message(s) after commit failed", len(written))


class SqlUnitOfWorkFactory:
    def __init__(
        self,
        engine: AsyncEngine,
        side_effects: EventHandler | None = None,
        after_commit: AfterCommit | None = None,
        cache: ListCache | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        """`read_only`: units of work that only read (their commit is refused), for the engine of reads."""
        self.engine = engine
        self.side_effects = side_effects
        self.after_commit = after_commit
        self.cache = cache
        self.read_only = read_only

    def __call__(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self.side_effects, self.after_commit, self.cache, read_only=self.read_only)
