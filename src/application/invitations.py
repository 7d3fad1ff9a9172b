"""Invitation use cases: invite by email, revoke, look up a token, and accept it (joining or registering)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from application.ports.clock import Clock
from application.ports.repositories import UnitOfWorkFactory
from application.projects import managed_project
from domain.access import ProjectRole
from domain.errors import (
    InvalidInput,
    InvitationGone,
    InvitationNotFound,
)
from domain.events import InvitationSent, InvitationsSent
from domain.invitations import MAX_EMAILS_PER_INVITE, Invitation, InvitationStatus
from domain.users import User, normalize_email
from domain.verification import generate_secret_token, token_digest


@dataclass(frozen=True)
class Invite:
    slug: str
    emails: list[str]
    role: ProjectRole = ProjectRole.MEMBER


@dataclass(frozen=True)
class InviteOutcome:
    email: str
    outcome: str  # "invited", "renewed" or "already_member"
    invitation_id: UUID | None = None

    @property
    def status(self) -> int:
        """What the contract reports for this address: 201 sent, 409 already a member."""
        return 409 if self.invitation_id is None else 201


@dataclass(frozen=True)
class InviteReport:
    results: list[InviteOutcome]

    @property
    def status(self) -> int:
        """201 when at least one address was invited, 409 when every one was already a member."""
        return 201 if any(r.status == 201 for r in self.results) else 409


@dataclass(frozen=True)
class InvitationView:
    """What a token is for, as its page and the API show it."""

    project: str  # the project's slug
    project_name: str
    email: str
    role: ProjectRole
    status: InvitationStatus
    expires_at: datetime
    has_account: bool


def _normalized(emails: list[str]) -> list[str]:
    if not 1 <= len(emails) <= MAX_EMAILS_PER_INVITE:
        raise InvalidInput(f"Invite 1 to {MAX_EMAILS_PER_INVITE} addresses at a time.", field="emails")
    unique: dict[str, None] = {}
    for index, raw in enumerate(emails):
        try:
            unique[normalize_email(raw)] = None
        except InvalidInput as exc:
            raise InvalidInput(f"Not a valid email address: {raw[:80]!r}.", field=f"emails[{index}]") from exc
    return list(unique)


async def invite(cmd: Invite, inviter: User, uow: UnitOfWorkFactory, clock: Clock) -> InviteReport:
    emails = _normalized(cmd.emails)
    now = clock.now()
    outcomes: list[InviteOutcome] = []
    async with uow() as work:
        project = await managed_project(work, inviter, cmd.slug, for_update=True)
        for email in emails:
            existing = await work.users.get_by_email(email)
            if existing and await work.memberships.role_in(project.id, existing.id) is not None:
                outcomes.append(InviteOutcome(email, "already_member"))
                continue
            token = generate_secret_token()
            pending = await work.invitations.pending_for(project.id, email, for_update=True)
            if pending is not None and pending.state(now) is InvitationStatus.PENDING:
                pending.renew(cmd.role, inviter.id, token_digest(token), now)
                await work.invitations.update(pending)
                invitation, outcome = pending, "renewed"
            else:
                if pending is not None:
                    pending.status = InvitationStatus.EXPIRED
                    await work.invitations.update(pending)
                invitation = Invitation.send(project.id, email, cmd.role, inviter.id, token_digest(token), now)
                await work.invitations.add(invitation)
                outcome = "invited"
            invitation.record(
                InvitationSent(
                    at=now,
                    email=email,
                    project_name=project.name,
                    invitee_id=existing.id if existing else None,
                    inviter_name=inviter.full_name,
                    token=token,
                )
            )
            outcomes.append(InviteOutcome(email, outcome, invitation.id))
        sent = sum(o.invitation_id is not None for o in outcomes)
        project.record(InvitationsSent(at=now, project_slug=project.slug, by=inviter.id, count=sent))
        await work.commit()
    return InviteReport(outcomes)


async def revoke_invitation(
    slug: str, invitation_id: UUID, manager: User, uow: UnitOfWorkFactory, clock: Clock
) -> Invitation:
    async with uow() as work:
        project = await managed_project(work, manager, slug)
        invitation = await work.invitations.get(invitation_id, for_update=True)
        if invitation is None or invitation.project_id != project.id:
            raise InvitationNotFound()
        invitation.revoke(clock.now())
        await work.invitations.update(invitation)
        await work.commit()
    return invitation


async def describe_invitation(token: str, uow: UnitOfWorkFactory, clock: Clock) -> InvitationView:
    async with uow() as work:
        invitation = await work.invitations.get_by_digest(token_digest(token))
        if invitation is None:
            raise InvitationNotFound()
        project = await work.projects.get(invitation.project_id)
        has_account = await work.users.get_by_email(invitation.email) is not None
    if project is None or project.deleted_at is not None:
        raise InvitationGone()
    now = clock.now()
    invitation.ensure_usable(now)
    return InvitationView(
        project.slug,
        project.name,
        invitation.email,
        invitation.role,
        invitation.state(now),
        invitation.expires_at,
        has_account,
    )
