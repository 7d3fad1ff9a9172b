"""One contract per repository port, held by the in-memory fake and by SQL on SQLite and PostgreSQL.

The `backend` fixture hands each test a unit of work factory of one kind; every contract test runs
against all three, so the fakes the unit tests use behave like the real adapters, errors included.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from adapters.db.engine import create_engine
from adapters.db.tables import audit_log
from adapters.db.uow import SqlUnitOfWorkFactory
from application.ports.repositories import UnitOfWorkFactory
from application.side_effects import SideEffects
from domain.audit import AuditEntry
from domain.projects import Project
from domain.tasks import Task
from domain.users import Role, User
from tests.fakes.store import BASE_URL, FakeUnitOfWorkFactory

T0 = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


@dataclass
class Backend:
    name: str
    uow: UnitOfWorkFactory
    audit_entries: Callable[[], Awaitable[list[AuditEntry]]]  # the port cannot read the log back

    async def seed(self, *adds: Callable[..., Awaitable[None]] | object) -> None:
        """Commits each object through the repository for its type."""
        async with self.uow() as uow:
            for obj in adds:
                await repository_for(uow, obj).add(obj)
            await uow.commit()


def repository_for(uow: object, obj: object) -> object:
    from domain.assignments import Assignment, ReviewRecord
    from domain.invitations import Invitation
    from domain.notifications import Notification
    from domain.sessions import RefreshSession
    from domain.verification import EmailOtp, EmailToken

    names = {
        User: "users",
        EmailOtp: "otps",
        EmailToken: "email_tokens",
        RefreshSession: "sessions",
        AuditEntry: "audit",
        Task: "tasks",
        Project: "projects",
        Assignment: "assignments",
        ReviewRecord: "reviews",
        Notification: "notifications",
        Invitation: "invitations",
    }
    return getattr(uow, names[type(obj)])


@pytest.fixture(params=["fake", "sqlite", "postgres"])
async def backend(request: pytest.FixtureRequest) -> AsyncIterator[Backend]:
    if request.param == "fake":
        fake = FakeUnitOfWorkFactory()

        async def fake_entries() -> list[AuditEntry]:
            return sorted(fake.store.audit.values(), key=lambda e: e.at)

        yield Backend("fake", fake, fake_entries)
        return
    engine = create_engine(request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_url"))

    async def sql_entries() -> list[AuditEntry]:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(audit_log).order_by(audit_log.c.at))).all()
        return [AuditEntry(**row._mapping) for row in rows]

    yield Backend(request.param, SqlUnitOfWorkFactory(engine, SideEffects(BASE_URL)), sql_entries)
    await engine.dispose()


def a_user(email: str = "ada@example.com", role: Role = Role.MEMBER, **changes: object) -> User:
    user = User(email=email, full_name=email.split("@")[0].title(), role=role, password_hash="argon2$x", created_at=T0)
    for name, value in changes.items():
        setattr(user, name, value)
    return user


def an_admin() -> User:
    return a_user("root@example.com", Role.ADMIN)


def a_task(creator: User, slug: str = "paint", **changes: object) -> Task:
    task = Task(slug=slug, name=slug.title(), created_by=creator.id, created_at=T0)
    for name, value in changes.items():
        setattr(task, name, value)
    return task


def a_project(creator: User, slug: str = "site", **changes: object) -> Project:
    project = Project(slug=slug, name=slug.title(), created_by=creator.id, created_at=T0)
    for name, value in changes.items():
        setattr(project, name, value)
    return project
