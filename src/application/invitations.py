"""Invitation use cases: invite by email, revoke, look up a token, and accept it (joining or registering)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from application.identity import Identity, issue_new_session
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWork, UnitOfWorkFactory
from application.projects import managed_project
from application.sessions import Login, login
from domain.access import ProjectRole
from domain.errors import (
    AlreadyMember,
    InvalidInput,
    InvitationForAnotherEmail,
    InvitationGone,
    InvitationNotFound,
    SignInRequired,
)
from domain.events import InvitationAccepted, InvitationSent, InvitationsSent
from domain.invitations import MAX_EMAILS_PER_INVITE, Invitation, InvitationStatus
from domain.projects import Membership, Project
from domain.sessions import TokenPair
from domain.users import Role, User, check_full_name, check_password_policy, normalize_email
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


@dataclass(frozen=True)
class InvitationView:
    invitation: Invitation
    project: Project
    state: InvitationStatus
    has_account: bool


@dataclass(frozen=True)
class Accept:
    token: str
    user: User | None = None
    password: str | None = None
    full_name: str | None = None


@dataclass(frozen=True)
class Accepted:
    project: Project
    user: User
    role: ProjectRole
    tokens: TokenPair | None


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


async def invite(cmd: Invite, inviter: User, uow: UnitOfWorkFactory, clock: Clock) -> list[InviteOutcome]:
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
    return outcomes


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
    invitation.ensure_usable(clock.now())
    return InvitationView(invitation, project, invitation.state(clock.now()), has_account)


async def accept_invitation(cmd: Accept, deps: Identity) -> Accepted:
    """Signed in as the invited email: join. Not signed in and new: register and join. A token works once."""
    password_hash = await _hash_for_invitee(cmd, deps)
    now = deps.clock.now()
    async with deps.uow() as work:
        invitation = await work.invitations.get_by_digest(token_digest(cmd.token), for_update=True)
        if invitation is None:
            raise InvitationNotFound()
        invitation.ensure_usable(now)
        project = await work.projects.get(invitation.project_id)
        if project is None or project.deleted_at is not None:
            raise InvitationGone()
        tokens: TokenPair | None = None
        if cmd.user is not None:
            if cmd.user.email != invitation.email:
                raise InvitationForAnotherEmail()
            user = cmd.user
        else:
            user = await _register_invitee(work, invitation, cmd, password_hash, deps, now)
            tokens = await issue_new_session(work, user, deps)
        # Joined meanwhile through another invitation: this one is spent all the same.
        with contextlib.suppress(AlreadyMember):
            await work.memberships.add(Membership(project.id, user.id, invitation.role, now))
        invitation.accept(now)
        await work.invitations.update(invitation)
        role = await work.memberships.role_in(project.id, user.id) or invitation.role
        invitation.record(InvitationAccepted(at=now, project_slug=project.slug, user_id=user.id))
        await work.commit()
    return Accepted(project, user, role, tokens)


async def accept_from_page(cmd: Accept, client_address: str, deps: Identity) -> Accepted:
    """The invitation page's one form: an existing account proves itself with its password, a new one registers."""
    async with deps.uow() as work:
        invitation = await work.invitations.get_by_digest(token_digest(cmd.token))
        account = await work.users.get_by_email(invitation.email) if invitation else None
    if account is None:
        return await accept_invitation(cmd, deps)
    # Signing in is rate limited and checks that the account is active; the page keeps its session.
    tokens = await login(Login(account.email, cmd.password or "", client_address), deps)
    accepted = await accept_invitation(Accept(cmd.token, user=account), deps)
    return replace(accepted, tokens=tokens)


async def _hash_for_invitee(cmd: Accept, deps: Identity) -> str | None:
    """Checks and hashes a new invitee's password before any lock is taken (argon2 is slow)."""
    if cmd.user is not None or not cmd.password:
        return None
    async with deps.uow() as work:
        invitation = await work.invitations.get_by_digest(token_digest(cmd.token))
        has_account = invitation is not None and await work.users.get_by_email(invitation.email) is not None
    if invitation is None:
        return None
    # The answers a password cannot change come first: a spent token, an existing account.
    invitation.ensure_usable(deps.clock.now())
    if has_account:
        raise SignInRequired()
    check_password_policy(cmd.password, email=invitation.email)
    return await deps.hasher.hash(cmd.password)


async def _register_invitee(
    uow: UnitOfWork, invitation: Invitation, cmd: Accept, password_hash: str | None, deps: Identity, now: datetime
) -> User:
    if await uow.users.get_by_email(invitation.email) is not None:
        raise SignInRequired()
    if not cmd.full_name or password_hash is None:
        raise InvalidInput("Send password and full_name to create your account.", field="password")
    user = User(
        email=invitation.email,
        full_name=check_full_name(cmd.full_name),
        role=Role.MEMBER,
        password_hash=password_hash,
        created_at=now,
        time_zone=deps.default_time_zone,
    )
    await uow.users.add(user)
    return user
