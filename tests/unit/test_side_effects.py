"""Domain events become the notifications, emails and audit entries people and operators read."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import pytest

from application.side_effects import SideEffects
from domain import account_events as acc
from domain import events as e
from domain.ids import new_id
from domain.notifications import NotificationKind
from domain.users import Role, User
from tests.fakes.store import FakeUnitOfWorkFactory, Store

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
# Fixed ids: the parameters below name tests, and every test process must name them alike.
MEMBER = User("nina@example.com", "Nina N", Role.MEMBER, "!", NOW, id=UUID(int=1))
REVIEWER = User("rex@example.com", "Rex R", Role.ADMIN, "!", NOW, id=UUID(int=2))


async def effects_of(*events: e.Event) -> Store:
    uow = FakeUnitOfWorkFactory(base_url="https://tasks.example.com/")
    uow.store.users = {MEMBER.id: MEMBER, REVIEWER.id: REVIEWER}
    async with uow() as work:
        await SideEffects("https://tasks.example.com/")(list(events), work)
        await work.commit()
    return uow.store


def only(store: Store) -> tuple[Any, Any, Any]:
    """The one notification, email and audit entry written (None where there is none)."""
    notes, mails, audit = list(store.notifications.values()), list(store.outbox.values()), list(store.audit.values())
    assert max(len(notes), len(mails), len(audit)) <= 1, (notes, mails, audit)
    return (notes or [None])[0], (mails or [None])[0], (audit or [None])[0]


async def test_an_approval_tells_the_member_emails_them_and_audits_the_reviewer() -> None:
    approved = e.AssignmentApproved(
        at=NOW, assignment_id=new_id(), user_id=MEMBER.id, reviewer_id=REVIEWER.id,
        task_name="Paint", task_slug="paint", points=7, feedback="Nice",
    )  # fmt: skip
    note, mail, audit = only(await effects_of(approved))
    assert (note.kind, note.text, note.link, note.created_at) == (
        NotificationKind.CLAIM_APPROVED, "Your work on “Paint” was approved: 7 points credited.", "/tasks/paint/", NOW
    )  # fmt: skip
    assert mail.as_email().to == MEMBER.email
    assert mail.as_email().template == "approved"
    assert dict(mail.as_email().context) == {
        "full_name": "Nina N", "task_name": "Paint", "points": 7, "feedback": "Nice", "link": "/tasks/paint/"
    }  # fmt: skip
    assert (audit.action, audit.actor_id, audit.subject) == (
        "assignment.approved",
        REVIEWER.id,
        str(approved.assignment_id),
    )


async def test_an_automatic_approval_of_nothing_is_not_audited() -> None:
    approved = e.AssignmentApproved(
        at=NOW, assignment_id=new_id(), user_id=MEMBER.id, reviewer_id=None,
        task_name="Paint", task_slug="paint", points=0, feedback="",
    )  # fmt: skip
    note, mail, audit = only(await effects_of(approved))
    assert note.text == "Your work on “Paint” was approved."
    assert mail is not None
    assert audit is None


@pytest.mark.parametrize(
    ("why", "because"),
    [
        (e.Withdrawal.TASK_DELETED, "the task was deleted."),
        (e.Withdrawal.PROJECT_DELETED, "the project was deleted."),
        (e.Withdrawal.LEFT_PROJECT, "you left the project."),
        (e.Withdrawal.ACCOUNT_DEACTIVATED, "the account was deactivated."),
    ],
)
async def test_withdrawn_work_says_why(why: e.Withdrawal, because: str) -> None:
    event = e.ClaimWithdrawn(at=NOW, assignment_id=new_id(), user_id=MEMBER.id, task_name="Paint", why=why)
    note, mail, audit = only(await effects_of(event))
    assert (note.kind, note.text, note.link) == (
        NotificationKind.CLAIM_RELEASED, f"Your claim on “Paint” was released: {because}", "/tasks/"
    )  # fmt: skip
    assert (mail, audit) == (None, None)


async def test_an_invitation_links_to_the_page_and_tells_an_existing_account() -> None:
    sent = e.InvitationSent(
        at=NOW, email=MEMBER.email, project_name="Site", invitee_id=MEMBER.id, inviter_name="Rex R", token="tok"
    )
    note, mail, _ = only(await effects_of(sent))
    assert (note.kind, note.text) == (NotificationKind.INVITED, "Rex R invited you to the project “Site”.")
    assert dict(mail.as_email().context) == {
        "project_name": "Site", "inviter_name": "Rex R", "hours": 48,
        "link": "https://tasks.example.com/invite_register/?token=tok",
    }  # fmt: skip


async def test_overdue_notices_and_digests_carry_their_dedupe_keys() -> None:
    overdue = e.ItemOverdue(
        at=NOW, user_id=MEMBER.id, email=MEMBER.email, full_name="Nina N", item_kind="task",
        item_name="Paint", item_slug="paint", due_date=date(2026, 2, 28),
    )  # fmt: skip
    digest = e.DigestDue(
        at=NOW, user_id=MEMBER.id, email=MEMBER.email, full_name="Nina N", day=date(2026, 3, 1),
        items=(e.DigestItem("Paint", "paint", date(2026, 2, 28), True),),
    )  # fmt: skip
    store = await effects_of(overdue, digest)
    [note] = store.notifications.values()
    assert note.text == "The task “Paint” was due on 2026-02-28 and is overdue."
    keys = sorted(m.dedupe_key or "" for m in store.outbox.values())
    assert keys == [f"digest:{MEMBER.id}:2026-03-01", f"overdue:task:paint:2026-02-28:{MEMBER.id}"]


async def test_events_are_handled_in_the_order_they_happened() -> None:
    first = e.MemberRemoved(at=NOW, project_name="Site", project_slug="site", user_id=MEMBER.id, by=REVIEWER.id)
    second = e.ClaimExpired(at=NOW, assignment_id=new_id(), user_id=MEMBER.id, task_name="Paint", task_slug="paint")
    store = await effects_of(second, first)
    kinds = [n.kind for n in sorted(store.notifications.values(), key=lambda n: n.id)]
    assert kinds == [NotificationKind.REMOVED_FROM_PROJECT, NotificationKind.CLAIM_EXPIRED]


@pytest.mark.parametrize(
    ("event", "action", "subject", "detail"),
    [
        (acc.LoginFailed(at=NOW, email="x@example.com", user_id=None), "login.failed", "x@example.com", ""),
        (acc.SignedIn(at=NOW, user_id=MEMBER.id), "login.succeeded", str(MEMBER.id), ""),
        (acc.RoleChanged(at=NOW, user_id=MEMBER.id, role="manager", by=REVIEWER.id), "account.role_changed",
         str(MEMBER.id), "manager"),
        (acc.WalletAdjusted(at=NOW, user_id=MEMBER.id, points=-3, reason="Fix", by=REVIEWER.id), "wallet.adjusted",
         str(MEMBER.id), "-3: Fix"),
        (e.TaskEdited(at=NOW, task_slug="paint", by=REVIEWER.id, fields=("name", "points")), "task.edited",
         "paint", "name,points"),
        (e.InvitationsSent(at=NOW, project_slug="site", by=REVIEWER.id, count=0), "project.invited", "site", "0"),
    ],
)  # fmt: skip
async def test_audit_entries(event: e.Event, action: str, subject: str, detail: str) -> None:
    _, _, audit = only(await effects_of(event))
    assert (audit.action, audit.subject, audit.detail, audit.at) == (action, subject, detail, NOW)
