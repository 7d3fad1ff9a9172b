"""The one place domain events become side effects: in-app notifications, outbox emails and audit entries.

Every text a person reads about what happened, every email's template and context, and every audit action
name is written here. The unit of work calls this with the events of its transaction just before it
commits, so the side effects commit (or roll back) with the change that caused them.
"""

from __future__ import annotations

from collections.abc import Mapping
from uuid import UUID

from application.ports.repositories import UnitOfWork
from domain import account_events as acc
from domain import events as e
from domain.audit import AuditEntry
from domain.invitations import INVITATION_LIFETIME
from domain.notifications import Notification, NotificationKind
from domain.outbox import OutboxMessage, OutgoingEmail

MAX_TEXT = 500
Context = Mapping[str, object]
WITHDRAWN_BECAUSE = {
    e.Withdrawal.TASK_DELETED: "the task was deleted.",
    e.Withdrawal.PROJECT_DELETED: "the project was deleted.",
    e.Withdrawal.LEFT_PROJECT: "you left the project.",
    e.Withdrawal.ACCOUNT_DEACTIVATED: "the account was deactivated.",
}


def task_link(slug: str) -> str:
    return f"/tasks/{slug}/"


class _Effects:
    """The rows one batch of events asks for, written together at the end."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self.notifications: list[Notification] = []
        self.emails: list[OutboxMessage] = []
        self.audit: list[AuditEntry] = []
        self._names: dict[UUID, tuple[str, str] | None] = {}

    def notify(self, event: e.Event, user_id: UUID, kind: NotificationKind, text: str, link: str) -> None:
        self.notifications.append(Notification(user_id, kind, text[:MAX_TEXT], link, event.at))

    def email(self, event: e.Event, to: str, template: str, context: Context, dedupe_key: str | None = None) -> None:
        self.emails.append(OutboxMessage.email(OutgoingEmail(to, template, context), event.at, dedupe_key))

    async def email_user(self, event: e.Event, user_id: UUID, template: str, context: Context) -> None:
        """Emails an account by id, addressing it by name; an account gone meanwhile gets nothing."""
        found = await self.person(user_id)
        if found is not None:
            self.email(event, found[0], template, {"full_name": found[1], **context})

    async def person(self, user_id: UUID) -> tuple[str, str] | None:
        if user_id not in self._names:
            user = await self.uow.users.get(user_id)
            self._names[user_id] = None if user is None else (user.email, user.full_name)
        return self._names[user_id]

    def log(self, event: e.Event, action: str, actor: UUID | None, subject: object, detail: str = "") -> None:
        self.audit.append(AuditEntry(action, event.at, actor, None if subject is None else str(subject), detail))

    async def write(self) -> None:
        await self.uow.notifications.add_many(self.notifications)
        await self.uow.outbox.add_many(self.emails)
        for entry in self.audit:
            await self.uow.audit.add(entry)


class SideEffects:
    def __init__(self, base_url: str) -> None:
        self._base_url = base_url.rstrip("/")

    async def __call__(self, events: list[e.Event], uow: UnitOfWork) -> None:
        effects = _Effects(uow)
        for event in sorted(events, key=lambda event: event.order):
            await self._work(event, effects)
            await self._people(event, effects)
            self._scheduled(event, effects)
            _audit(event, effects)
        await effects.write()

    async def _work(self, event: e.Event, fx: _Effects) -> None:
        context: Context
        match event:
            case e.AssignmentMade():
                link, due = task_link(event.task_slug), event.due_date.isoformat() if event.due_date else ""
                text = f"You were assigned “{event.task_name}”."
                fx.notify(event, event.user_id, NotificationKind.ASSIGNED, text, link)
                by = await fx.person(event.by)
                context = {
                    "task_name": event.task_name,
                    "link": link,
                    "due_date": due,
                    "assigned_by": by[1] if by else "",
                }
                await fx.email_user(event, event.user_id, "assigned", context)
            case e.WorkSubmitted():
                text = f"A submission for “{event.task_name}” is waiting for review."
                link = "/review/"
                for reviewer_id in await fx.uow.memberships.reviewer_ids(event.project_id):
                    if reviewer_id != event.user_id:
                        fx.notify(event, reviewer_id, NotificationKind.SUBMISSION_WAITING, text, link)
            case e.AssignmentApproved():
                link = task_link(event.task_slug)
                paid = f": {event.points} points credited." if event.points > 0 else "."
                text = f"Your work on “{event.task_name}” was approved{paid}"
                fx.notify(event, event.user_id, NotificationKind.CLAIM_APPROVED, text, link)
                context = {"task_name": event.task_name, "points": event.points, "feedback": event.feedback}
                await fx.email_user(event, event.user_id, "approved", {**context, "link": link})
            case e.AssignmentRejected():
                link = task_link(event.task_slug)
                text = f"Your work on “{event.task_name}” was rejected: {event.feedback}"
                fx.notify(event, event.user_id, NotificationKind.CLAIM_REJECTED, text, link)
                context = {"task_name": event.task_name, "feedback": event.feedback, "link": link}
                await fx.email_user(event, event.user_id, "rejected", context)
            case e.ClaimExpired():
                text = f"Your claim on “{event.task_name}” ran out before it was submitted; the task is open again."
                fx.notify(event, event.user_id, NotificationKind.CLAIM_EXPIRED, text, task_link(event.task_slug))
            case e.ClaimWithdrawn():
                text = f"Your claim on “{event.task_name}” was released: {WITHDRAWN_BECAUSE[event.why]}"
                fx.notify(event, event.user_id, NotificationKind.CLAIM_RELEASED, text, "/tasks/")

    async def _people(self, event: e.Event, fx: _Effects) -> None:
        context: Context
        match event:
            case e.MemberRemoved():
                text = f"You were removed from the project “{event.project_name}”."
                fx.notify(event, event.user_id, NotificationKind.REMOVED_FROM_PROJECT, text, "/projects/")
            case e.InvitationSent():
                if event.invitee_id is not None:
                    text = f"{event.inviter_name} invited you to the project “{event.project_name}”."
                    fx.notify(event, event.invitee_id, NotificationKind.INVITED, text, "/projects/")
                link = f"{self._base_url}/invite_register/?token={event.token}"
                hours = int(INVITATION_LIFETIME.total_seconds() // 3600)
                context = {"project_name": event.project_name, "inviter_name": event.inviter_name}
                fx.email(event, event.email, "invitation", {**context, "link": link, "hours": hours})
            case acc.OtpIssued():
                fx.email(event, event.email, "otp", {"code": event.code, "minutes": event.minutes})
            case acc.SignUpOfExistingAccount():
                fx.email(event, event.email, "account_exists", {})
            case acc.PasswordResetRequested():
                link = f"{self._base_url}/password/reset/?token={event.token}"
                context = {"full_name": event.full_name, "link": link, "minutes": event.minutes}
                fx.email(event, event.email, "password_reset", context)
            case acc.EmailChangeRequested():
                context = {"full_name": event.full_name, "code": event.code, "minutes": event.minutes}
                fx.email(event, event.new_email, "email_change", context)

    def _scheduled(self, event: e.Event, fx: _Effects) -> None:
        context: Context
        match event:
            case e.ItemOverdue():
                link, due = f"/{event.item_kind}s/{event.item_slug}/", event.due_date.isoformat()
                text = f"The {event.item_kind} “{event.item_name}” was due on {due} and is overdue."
                fx.notify(event, event.user_id, NotificationKind.OVERDUE, text, link)
                context = {
                    "full_name": event.full_name,
                    "item_kind": event.item_kind,
                    "item_name": event.item_name,
                }
                key = f"overdue:{event.item_kind}:{event.item_slug}:{due}:{event.user_id}"
                fx.email(event, event.email, "overdue", {**context, "due_date": due, "link": link}, key)
            case e.DigestDue():
                tasks = [_digest_line(item) for item in event.items]
                context = {"full_name": event.full_name, "date": event.day.isoformat(), "tasks": tasks}
                fx.email(event, event.email, "daily_digest", context, f"digest:{event.user_id}:{event.day.isoformat()}")


def _digest_line(item: e.DigestItem) -> dict[str, object]:
    return {
        "name": item.name,
        "link": task_link(item.slug),
        "due_date": item.due_date.isoformat(),
        "overdue": item.overdue,
    }


def _audit(event: e.Event, fx: _Effects) -> None:
    match event:
        case e.AssignmentApproved(reviewer_id=UUID() as reviewer):
            fx.log(event, "assignment.approved", reviewer, event.assignment_id)
        case e.AssignmentRejected():
            fx.log(event, "assignment.rejected", event.reviewer_id, event.assignment_id)
        case e.AutoApprovalWithheld():
            detail = "its holder reviews the task: left for a person"
            fx.log(event, "assignment.auto_approval_withheld", None, event.assignment_id, detail)
        case e.TaskEdited():
            fx.log(event, "task.edited", event.by, event.task_slug, ",".join(event.fields))
        case e.TaskDeleted():
            fx.log(event, "task.deleted", event.by, event.task_slug)
        case e.ProjectCreated():
            fx.log(event, "project.created", event.by, event.project_slug)
        case e.ProjectDeleted():
            fx.log(event, "project.deleted", event.by, event.project_slug)
        case e.MemberRemoved():
            fx.log(event, "project.member_removed", event.by, f"{event.project_slug}:{event.user_id}")
        case e.InvitationsSent():
            fx.log(event, "project.invited", event.by, event.project_slug, str(event.count))
        case e.InvitationAccepted():
            fx.log(event, "project.invitation_accepted", event.user_id, event.project_slug)
        case acc.AccountRegistered():
            fx.log(event, "account.registered", event.user_id, event.user_id, event.role)
        case acc.AdminEnsured():
            fx.log(event, "account.admin_ensured", None, event.user_id)
        case acc.PasswordChanged():
            fx.log(event, "account.password_changed", event.user_id, event.user_id)
        case acc.RoleChanged():
            fx.log(event, "account.role_changed", event.by, event.user_id, event.role)
        case acc.AccountDeactivated():
            fx.log(event, "account.deactivated", event.by, event.user_id)
        case acc.AccountReactivated():
            fx.log(event, "account.reactivated", event.by, event.user_id)
        case acc.LoginFailed():
            fx.log(event, "login.failed", event.user_id, event.email)
        case acc.SignedIn():
            fx.log(event, "login.succeeded", event.user_id, event.user_id)
        case acc.RefreshReplayed():
            fx.log(event, "session.replay_detected", event.user_id, event.family_id)
        case acc.SignedOut():
            fx.log(event, "session.logout", event.user_id, event.user_id)
        case acc.PasswordConfirmed():
            fx.log(event, "sudo.confirmed", event.user_id, event.user_id)
        case acc.PasswordConfirmationFailed():
            fx.log(event, "sudo.failed", event.user_id, event.user_id)
        case acc.SessionEnded():
            fx.log(event, "session.ended", event.user_id, event.sign_in_id)
        case acc.ProfileChanged():
            fx.log(event, "account.profile_changed", event.user_id, event.user_id, ",".join(event.fields))
        case acc.AccountClosed():
            fx.log(event, "account.closed", event.by, event.user_id)
        case acc.PasswordReset():
            fx.log(event, "account.password_reset", event.user_id, event.user_id)
        case acc.EmailChanged():
            fx.log(event, "account.email_changed", event.user_id, event.user_id)
        case acc.TwoFactorEnabled():
            fx.log(event, "account.two_factor_enabled", event.user_id, event.user_id)
        case acc.TwoFactorDisabled():
            action = "account.two_factor_disabled" if event.by == event.user_id else "account.two_factor_reset"
            fx.log(event, action, event.by, event.user_id)
        case acc.RecoveryCodeUsed():
            fx.log(event, "account.recovery_code_used", event.user_id, event.user_id, f"{event.left} left")
        case acc.PointsRedeemed():
            fx.log(event, "wallet.redeemed", event.user_id, event.user_id, str(event.points))
        case acc.WalletAdjusted():
            fx.log(event, "wallet.adjusted", event.by, event.user_id, f"{event.points}: {event.reason}")
        case acc.BudgetFunded():
            fx.log(event, "budget.funded", event.by, event.project_id, f"{event.points}: {event.reason}")
        case acc.DeliveryRetried():
            fx.log(event, "delivery.retried", event.by, event.outbox_id)
