"""The scheduled jobs' queries: overdue notices owed once, digests, expiries and the five purges."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from domain.access import ProjectRole
from domain.assignments import Assignment, AssignmentStatus, Origin
from domain.invitations import Invitation, InvitationStatus
from domain.outbox import OutboxMessage, OutgoingEmail
from domain.projects import Membership, ProjectStatus
from domain.recovery import EmailChange, PasswordReset
from domain.sessions import RefreshSession
from domain.sign_ins import Client, SignIn, SignInKind
from domain.verification import EmailOtp, EmailToken
from tests.integration.contract.conftest import MINUTE, T0, Backend, a_project, a_task, a_user, an_admin

TODAY = date(2026, 3, 10)
LATE, DUE_TODAY = date(2026, 3, 9), date(2026, 3, 10)


async def members(backend: Backend, *rows: Membership) -> None:
    async with backend.uow() as uow:
        for row in rows:
            await uow.memberships.add(row)
        await uow.commit()


async def test_each_notice_about_what_is_overdue_is_owed_once(backend: Backend) -> None:
    admin, ada, boss, gone = an_admin(), a_user(), a_user("boss@example.com"), a_user("gone@example.com")
    gone.is_active = False
    project = a_project(admin, due_date=LATE)
    done = a_project(admin, "done", due_date=LATE, status=ProjectStatus.COMPLETED)
    late = a_task(admin, "late", project_id=project.id, due_date=LATE)
    public_late = a_task(admin, "public", due_date=LATE)
    today = a_task(admin, "today", due_date=DUE_TODAY)
    in_done = a_task(admin, "in-done", project_id=done.id, due_date=LATE)
    holding = Assignment(late.id, ada.id, Origin.CLAIMED, T0)
    await backend.seed(admin, ada, boss, gone, project, done, late, public_late, today, in_done, holding)
    await members(
        backend,
        Membership(project.id, boss.id, ProjectRole.MANAGER, T0),
        Membership(project.id, ada.id, ProjectRole.MEMBER, T0),
        Membership(project.id, gone.id, ProjectRole.MEMBER, T0),
    )
    async with backend.uow() as uow:
        notices = await uow.scheduled.overdue_notices(TODAY, T0)
        await uow.commit()
    owed = sorted((n.item_kind, n.item_slug, n.email, n.due_date) for n in notices)
    assert owed == [
        ("project", "site", "ada@example.com", LATE),
        ("project", "site", "boss@example.com", LATE),
        ("task", "late", "ada@example.com", LATE),
        ("task", "late", "boss@example.com", LATE),
    ]
    async with backend.uow() as uow:
        assert await uow.scheduled.overdue_notices(TODAY, T0 + MINUTE) == []
        assert await uow.scheduled.overdue_notices(TODAY + timedelta(days=1), T0 + MINUTE) == []


async def test_the_digest_lists_active_work_due_by_today_of_active_members(backend: Backend) -> None:
    admin, ada, bob = an_admin(), a_user(), a_user("bob@example.com")
    project = a_project(admin)
    tasks = {
        name: a_task(admin, name, due_date=due, project_id=project.id if name.startswith("p-") else None)
        for name, due in (("late", LATE), ("today", DUE_TODAY), ("later", TODAY + timedelta(days=1)), ("p-x", LATE))
    }
    work = [
        Assignment(tasks["late"].id, ada.id, Origin.ASSIGNED, T0),
        Assignment(tasks["today"].id, ada.id, Origin.CLAIMED, T0, status=AssignmentStatus.SUBMITTED),
        Assignment(tasks["later"].id, ada.id, Origin.ASSIGNED, T0),
        Assignment(tasks["p-x"].id, bob.id, Origin.ASSIGNED, T0),  # bob is no member (any more)
        Assignment(tasks["late"].id, bob.id, Origin.ASSIGNED, T0, status=AssignmentStatus.APPROVED, reviewed_at=T0),
    ]
    await backend.seed(admin, ada, bob, project, *tasks.values(), *work)
    async with backend.uow() as uow:
        lines = await uow.scheduled.digest_lines(TODAY)
    assert [(line.email, line.task_slug, line.due_date, line.is_overdue) for line in lines] == [
        ("ada@example.com", "late", LATE, True),
        ("ada@example.com", "today", DUE_TODAY, False),
    ]


async def test_expired_claims_and_due_approvals_oldest_first(backend: Backend) -> None:
    admin, users = an_admin(), [a_user(f"u{n}@example.com") for n in range(4)]
    task = a_task(admin, claim_limit=4)
    expiring = [
        Assignment(task.id, users[0].id, Origin.CLAIMED, T0, expires_at=T0 + 2 * MINUTE),
        Assignment(task.id, users[1].id, Origin.CLAIMED, T0, expires_at=T0 + MINUTE),
    ]
    waiting = Assignment(
        task.id, users[2].id, Origin.CLAIMED, T0, status=AssignmentStatus.SUBMITTED, auto_approve_at=T0 + MINUTE
    )
    later = Assignment(task.id, users[3].id, Origin.CLAIMED, T0, expires_at=T0 + 9 * MINUTE)
    await backend.seed(admin, *users, task, *expiring, waiting, later)
    async with backend.uow() as uow:
        now = T0 + 3 * MINUTE
        assert await uow.scheduled.expired_claims(now, 10) == [expiring[1].id, expiring[0].id]
        assert await uow.scheduled.expired_claims(now, 1) == [expiring[1].id]
        assert await uow.scheduled.due_auto_approvals(now, 10) == [waiting.id]
        assert await uow.scheduled.due_auto_approvals(T0, 10) == []


async def test_purge_removes_spent_resets_email_changes_and_old_sign_ins(backend: Backend) -> None:
    ada = a_user()
    now, old = T0 + timedelta(days=40), T0
    old_reset, new_reset = PasswordReset.issue(ada.id, "r1", old), PasswordReset.issue(ada.id, "r2", now)
    old_change = EmailChange.issue(ada.id, "b@x.io", "c1", old)
    new_change = EmailChange.issue(ada.id, "c@x.io", "c2", now)
    unused = SignIn.start(ada.id, SignInKind.API, Client(), old)
    ended = replace(
        SignIn.start(ada.id, SignInKind.PAGE, Client(), now - timedelta(days=9)), ended_at=now - timedelta(days=8)
    )
    recent_end = replace(SignIn.start(ada.id, SignInKind.API, Client(), now), ended_at=now)
    live = SignIn.start(ada.id, SignInKind.API, Client(), now - timedelta(days=29))
    async with backend.uow() as uow:
        await uow.users.add(ada)
        for reset in (old_reset, new_reset):
            await uow.password_resets.add(reset)
        for change in (old_change, new_change):
            await uow.email_changes.add(change)
        for sign_in in (unused, ended, recent_end, live):
            await uow.sign_ins.add(sign_in)
        await uow.commit()
    async with backend.uow() as uow:
        counts = await uow.scheduled.purge(now)
        await uow.commit()
    assert (counts["password_resets"], counts["email_changes"], counts["sign_ins"]) == (1, 1, 2)
    async with backend.uow() as uow:
        assert await uow.password_resets.get_by_digest("r1") is None
        assert await uow.password_resets.get_by_digest("r2") == new_reset
        assert await uow.email_changes.latest_for(ada.id) == new_change
        assert [await uow.sign_ins.get(s.id) for s in (unused, ended, recent_end, live)] == [
            None,
            None,
            recent_end,
            live,
        ]


async def test_purge_removes_what_is_spent_in_five_kinds(backend: Backend) -> None:
    ada = a_user()
    now, old = T0 + timedelta(days=10), T0
    old_otp, new_otp = EmailOtp.issue("a@x.io", "1", "d1", old), EmailOtp.issue("a@x.io", "2", "d2", now)
    old_token, new_token = EmailToken.issue("a@x.io", "t1", old), EmailToken.issue("a@x.io", "t2", now)
    old_session = RefreshSession.start_family(ada.id, old, old + timedelta(days=1))
    new_session = RefreshSession.start_family(ada.id, now, now + timedelta(days=7))
    project = a_project(ada)
    lapsed = Invitation.send(project.id, "n@x.io", ProjectRole.MEMBER, ada.id, "a" * 64, old)
    live = Invitation.send(project.id, "o@x.io", ProjectRole.MEMBER, ada.id, "b" * 64, now)
    await backend.seed(ada, old_otp, new_otp, old_token, new_token, old_session, new_session, project, lapsed, live)
    sent = replace(OutboxMessage.email(OutgoingEmail("a@x.io", "otp"), old), done_at=old)
    fresh = replace(OutboxMessage.email(OutgoingEmail("a@x.io", "otp"), now), done_at=now)
    waiting = OutboxMessage.email(OutgoingEmail("a@x.io", "otp"), old)
    async with backend.uow() as uow:
        await uow.outbox.add_many([sent, fresh, waiting])
        await uow.commit()
    async with backend.uow() as uow:
        counts = await uow.scheduled.purge(now)
        await uow.commit()
    assert counts == {
        "otps": 1,
        "email_tokens": 1,
        "refresh_sessions": 1,
        "invitations": 1,
        "outbox": 1,
        "password_resets": 0,
        "email_changes": 0,
        "sign_ins": 0,
    }
    async with backend.uow() as uow:
        assert await uow.otps.latest_for("a@x.io") == new_otp
        assert (await uow.email_tokens.get_by_digest("t1"), await uow.email_tokens.get_by_digest("t2")) == (
            None,
            new_token,
        )
        assert (await uow.sessions.get(old_session.id), await uow.sessions.get(new_session.id)) == (None, new_session)
        assert await uow.invitations.get(lapsed.id) == replace(lapsed, status=InvitationStatus.EXPIRED, ended_at=now)
        assert await uow.invitations.get(live.id) == live
        assert [await uow.outbox.get(m.id) for m in (sent, fresh, waiting)] == [None, fresh, waiting]
