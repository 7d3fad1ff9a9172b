"""The admin panel's reading use cases over the fakes: admins only, the service's calendar for what is overdue,
the admin's own calendar for the days they filter by, and the audit export cut to its limit."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from application import admin_lists, audit_trail, listing
from application.admin_lists import UserTab
from application.admin_queries import AdminTaskFilters, ProjectFilters
from application.assignments import claim_task, submit
from application.audit_trail import AuditSearch
from application.projects import CreateProject, create_project
from application.queries import PageRequest
from application.tasks import CreateTask, create_public_task
from domain.audit import AuditEntry
from domain.errors import InvalidEmail, InvalidInput, NotFound, PermissionDenied, TaskNotFound
from domain.ids import new_id
from domain.outbox import DeliveryStatus, EmailDelivery
from domain.users import Role, User
from tests.fakes.admin_queries import fake_queries
from tests.fakes.helpers import edit_user, fake_clock, fake_store, seed_user
from tests.fakes.services import FakeClock, fake_identity

PAGE = PageRequest(20)


async def world() -> Any:
    deps = fake_identity()
    admin = await seed_user(deps, "root@example.com", role=Role.ADMIN)
    member = await seed_user(deps, "nina@example.com")
    task = await create_public_task(CreateTask("Sweep the hall", points=5), admin, deps.uow, deps.clock)
    claim = await claim_task(task.slug, member, deps.uow, deps.clock)
    fake_clock(deps).advance(timedelta(hours=3))
    await submit(claim.id, "done", member, deps.uow, deps.clock)
    fake_clock(deps).advance(timedelta(hours=2))
    return deps, admin, member, task, fake_queries(fake_store(deps))


async def test_the_panel_is_not_there_for_anyone_but_admins() -> None:
    deps = fake_identity()
    for role in (Role.MEMBER, Role.MANAGER):
        with pytest.raises(NotFound):
            admin_lists.panel_admin(await seed_user(deps, f"{role.value}@example.com", role=role))
    with pytest.raises(NotFound):
        admin_lists.panel_admin(None)
    admin = await seed_user(deps, "root@example.com", role=Role.ADMIN)
    assert admin_lists.panel_admin(admin) is admin


async def test_every_reading_use_case_refuses_a_non_admin() -> None:
    deps, _, member, task, queries = await world()
    clock = deps.clock
    calls = [
        admin_lists.dashboard(member, queries, clock),
        admin_lists.tasks(member, AdminTaskFilters(), PAGE, queries, clock),
        admin_lists.task_page(member, task.slug, PAGE, queries, clock),
        admin_lists.user_page(member, member.id, UserTab.LEDGER, None, PAGE, queries),
        admin_lists.projects(member, ProjectFilters(), PAGE, queries, clock),
        admin_lists.project_page(member, "any", PAGE, queries, clock),
        admin_lists.deliveries(member, None, PAGE, queries),
        audit_trail.audit_log(member, AuditSearch(), PAGE, queries),
        audit_trail.export_audit(member, AuditSearch(), queries),
        listing.users_for_admin(member, None, None, None, PAGE, queries),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            await call


async def test_the_dashboard_counts_and_ages_in_the_services_calendar() -> None:
    deps, admin, _, _, queries = await world()
    now = deps.clock.now()  # 2026-01-15 14:00 UTC: already the 16th at UTC+14
    manager = await seed_user(deps, "maya@example.com", role=Role.MANAGER)
    await create_project(CreateProject("Due today", due_date=date(2026, 1, 15)), manager, deps.uow, deps.clock)
    await edit_user(deps, manager.id, lambda u: setattr(u, "created_at", now - timedelta(days=8)))
    async with deps.uow() as work:
        await work.deliveries.save(EmailDelivery(new_id(), "x@example.com", "otp", DeliveryStatus.FAILED, 5))
        await work.commit()

    at_home = await admin_lists.dashboard(admin, queries, deps.clock)
    assert at_home.oldest_waiting == timedelta(hours=2)
    # The member holds the board task's one slot: open, full, and waiting for review.
    assert (at_home.figures.open_tasks, at_home.figures.full_tasks, at_home.figures.submissions_waiting) == (1, 1, 1)
    assert at_home.figures.overdue_projects == 0  # due today is not overdue yet
    assert at_home.figures.failed_deliveries == 1
    assert at_home.figures.new_users == 2  # not the manager, who signed up eight days ago
    assert at_home.new_users_since == date(2026, 1, 8)
    far_east = await admin_lists.dashboard(admin, queries, FakeClock(now, "Pacific/Kiritimati"))
    assert far_east.today == date(2026, 1, 16)
    assert far_east.figures.overdue_projects == 1


async def test_task_and_user_pages() -> None:
    deps, admin, member, task, queries = await world()
    clock = deps.clock
    page = await admin_lists.task_page(admin, task.slug, PAGE, queries, clock)
    assert [(a.user_name, a.status) for a in page.assignments.items] == [(member.full_name, "submitted")]
    with pytest.raises(TaskNotFound):
        await admin_lists.task_page(admin, "no-such-task", PAGE, queries, clock)
    found = await admin_lists.tasks(admin, AdminTaskFilters(q="  HALL "), PAGE, queries, clock)
    assert [t.slug for t in found.items] == [task.slug]

    mine = await admin_lists.user_page(admin, member.id, UserTab.ASSIGNMENTS, "submitted", PAGE, queries)
    assert mine.assignments is not None
    assert [a.task_name for a in mine.assignments.items] == ["Sweep the hall"]
    none = await admin_lists.user_page(admin, member.id, UserTab.ASSIGNMENTS, "approved", PAGE, queries)
    assert none.assignments is not None
    assert none.assignments.items == []
    ledger = await admin_lists.user_page(admin, member.id, UserTab.LEDGER, None, PAGE, queries)
    assert ledger.ledger is not None
    assert ledger.audit is None
    with pytest.raises(NotFound):
        await admin_lists.user_page(admin, UUID(int=1), UserTab.AUDIT, None, PAGE, queries)


async def log(deps: Any, action: str, at: datetime, actor: User | None = None) -> None:
    async with deps.uow() as work:
        await work.audit.add(AuditEntry(action, at, actor.id if actor else None, None, ""))
        await work.commit()


async def test_audit_days_are_the_admins_own_days() -> None:
    deps = fake_identity()
    admin = await seed_user(deps, "root@example.com", role=Role.ADMIN)
    await edit_user(deps, admin.id, lambda u: setattr(u, "time_zone", "Asia/Kolkata"))  # UTC+5:30
    admin.time_zone = "Asia/Kolkata"
    queries = fake_queries(fake_store(deps))
    await log(deps, "wallet.adjusted", datetime(2026, 1, 14, 18, 0, tzinfo=UTC), admin)  # the 14th, 23:30 there
    await log(deps, "wallet.redeemed", datetime(2026, 1, 14, 19, 0, tzinfo=UTC))  # the 15th, 00:30 there
    on_the_15th = await audit_trail.audit_log(admin, AuditSearch(first_day=date(2026, 1, 15)), PAGE, queries)
    assert [e.action for e in on_the_15th.items] == ["wallet.redeemed"]
    by_admin = await audit_trail.audit_log(admin, AuditSearch(actor=" ROOT@example.com "), PAGE, queries)
    assert [e.action for e in by_admin.items] == ["wallet.adjusted"]
    family = await audit_trail.audit_log(admin, AuditSearch(kind="wallet"), PAGE, queries)
    assert len(family.items) == 2
    with pytest.raises(InvalidInput):
        await audit_trail.audit_log(
            admin, AuditSearch(first_day=date(2026, 2, 1), last_day=date(2026, 1, 1)), PAGE, queries
        )
    with pytest.raises(InvalidEmail):
        await audit_trail.audit_log(admin, AuditSearch(actor="not an email"), PAGE, queries)


async def test_the_export_checks_first_then_reads_page_after_page_up_to_its_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deps = fake_identity()
    admin = await seed_user(deps, "root@example.com", role=Role.ADMIN)
    queries = fake_queries(fake_store(deps))
    start = deps.clock.now()
    for n in range(250):
        await log(deps, f"kind.n{n}", start + timedelta(seconds=n))
    rows = [r async for r in await audit_trail.export_audit(admin, AuditSearch(kind="kind"), queries, limit=230)]
    assert len(rows) == 230
    assert rows[0].action == "kind.n249"  # newest first, across three pages of at most 100
    assert rows[-1].action == "kind.n20"
    monkeypatch.setattr(audit_trail, "EXPORT_LIMIT", 7)
    assert len([r async for r in await audit_trail.export_audit(admin, AuditSearch(), queries)]) == 7


async def test_deliveries_list_what_was_not_delivered() -> None:
    deps = fake_identity()
    admin = await seed_user(deps, "root@example.com", role=Role.ADMIN)
    async with deps.uow() as work:
        for to, status in (
            ("a@x.test", DeliveryStatus.FAILED),
            ("b@x.test", DeliveryStatus.PENDING),
            ("c@x.test", DeliveryStatus.SENT),
        ):
            await work.deliveries.save(EmailDelivery(new_id(), to, "otp", status))
        await work.commit()
    queries = fake_queries(fake_store(deps))
    every = await admin_lists.deliveries(admin, None, PAGE, queries)
    assert sorted(d.to for d in every.items) == ["a@x.test", "b@x.test"]
    assert (await admin_lists.deliveries(admin, DeliveryStatus.SENT, PAGE, queries)).items == []
    failed = await admin_lists.deliveries(admin, DeliveryStatus.FAILED, PAGE, queries)
    assert [d.to for d in failed.items] == ["a@x.test"]


async def test_sign_up_days_are_read_in_the_admins_calendar() -> None:
    deps = fake_identity()
    admin = await seed_user(deps, "root@example.com", role=Role.ADMIN)
    admin.time_zone = "America/New_York"  # UTC-5 in January
    late = await seed_user(deps, "late@example.com")
    await edit_user(deps, late.id, lambda u: setattr(u, "created_at", datetime(2026, 1, 15, 3, 0, tzinfo=UTC)))
    queries = fake_queries(fake_store(deps))
    on_the_14th = await listing.users_for_admin(
        admin, None, None, None, PAGE, queries, (date(2026, 1, 14), date(2026, 1, 14))
    )
    assert [u.email for u in on_the_14th.items] == ["late@example.com"]  # 22:00 on the 14th in New York
    with pytest.raises(InvalidInput):
        await listing.users_for_admin(admin, None, None, None, PAGE, queries, (date(1, 1, 1), None))
