"""The admin panel's read models on both databases: one statement a page whatever its size, and keyset pages
that add up to the whole list in order, ties in time included."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from application.admin_queries import AdminTaskFilters, AuditFilters, ProjectFilters
from application.queries import PageRequest
from domain.audit import AuditEntry
from domain.ids import new_id
from domain.outbox import DeliveryStatus, EmailDelivery
from domain.projects import Project
from domain.tasks import Task
from domain.users import Role, User
from entrypoints.bootstrap import Container
from tests.integration.test_query_counts import counting

COUNT = 13


async def walk(read: Callable[[PageRequest], Awaitable[Any]], container: Container, size: int) -> list[Any]:
    """Every page in turn, checking each was one statement."""
    found, cursor = [], None
    while True:
        with counting(container) as log:
            page = await read(PageRequest(size, cursor))
        assert len(log.work) == 1, log.work
        found += page.items
        cursor = page.next_cursor
        if cursor is None:
            return found


async def seed(container: Container) -> User:
    now = container.clock.now()
    admin = User("root@read.test", "Root", Role.ADMIN, "!", now)
    async with container.uow() as work:
        await work.users.add(admin)
        for n in range(COUNT):
            await work.tasks.add(Task(f"task-{n}", f"Task {n}", admin.id, now, claim_limit=1 + n % 2))
            project = Project(f"project-{n}", f"Project {n}", admin.id, now, due_date=date(2020, 1, 1 + n % 2))
            await work.projects.add(project)
            # Half the entries share one instant: the id breaks the tie.
            at = now - timedelta(seconds=n // 2)
            await work.audit.add(AuditEntry("wallet.adjusted", at, admin.id, str(admin.id), str(n)))
            status = DeliveryStatus.FAILED if n % 2 else DeliveryStatus.PENDING
            await work.deliveries.save(EmailDelivery(new_id(), f"to{n}@read.test", "otp", status))
        await work.commit()
    return admin


async def test_every_list_pages_through_in_one_statement_a_page(container: Container) -> None:
    admin = await seed(container)
    reads = container.queries.admin
    today = container.clock.now().date()
    lists: dict[str, Callable[[PageRequest], Awaitable[Any]]] = {
        "tasks": lambda page: reads.tasks(AdminTaskFilters(), page, today),
        "projects": lambda page: reads.projects(ProjectFilters(), today, page),
        "audit": lambda page: reads.audit(AuditFilters(about=admin.id), page),
        "deliveries": lambda page: reads.deliveries(None, page),
    }
    for name, read in lists.items():
        whole = await walk(read, container, 100)
        assert len(whole) == COUNT, name
        for size in (1, 4, 5):
            assert await walk(read, container, size) == whole, (name, size)
    entries = await walk(lists["audit"], container, 100)
    assert [(e.at, e.id) for e in entries] == sorted(((e.at, e.id) for e in entries), reverse=True)
    assert {e.subject_name for e in entries} == {"Root"}
    tasks = await walk(lists["tasks"], container, 100)
    assert [t.id for t in tasks] == sorted((t.id for t in tasks), reverse=True)
    full = await walk(lambda page: reads.tasks(AdminTaskFilters(full=False), page, today), container, 3)
    assert len(full) == COUNT  # nothing is claimed: no task is full
    overdue = await walk(lambda page: reads.projects(ProjectFilters(overdue=True), today, page), container, 3)
    assert len(overdue) == COUNT
    failed = await walk(lambda page: reads.deliveries(DeliveryStatus.FAILED, page), container, 2)
    assert len(failed) == COUNT // 2


async def test_the_dashboard_is_one_statement(container: Container) -> None:
    await seed(container)
    now = container.clock.now()
    with counting(container) as log:
        figures = await container.queries.admin.figures(now.date(), now - timedelta(days=7))
    assert len(log.work) == 1
    assert (figures.open_tasks, figures.overdue_projects, figures.new_users) == (COUNT, COUNT, 1)
    assert (figures.failed_deliveries, figures.pending_deliveries) == (COUNT // 2, COUNT - COUNT // 2)
    assert figures.oldest_submission_at is None
    assert (figures.points_issued, figures.points_outstanding, figures.points_redeemed) == (0, 0, 0)
    assert (figures.points_in_budgets, figures.points_in_escrows) == (0, 0)
