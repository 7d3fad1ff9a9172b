"""Accepting an invitation: an account joins the project, registering first when it is new."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from application.identity import Identity, issue_new_session
from application.ports.repositories import UnitOfWork
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
from domain.events import InvitationAccepted
from domain.invitations import Invitation
from domain.projects import Membership
from domain.sessions import TokenPair
from domain.users import Role, User, check_full_name, check_password_policy
from domain.verification import token_digest


@dataclass(frozen=True)
class Accept:
    token: str
    user: User | None = None
    password: str | None = None
    full_name: str | None = None


@dataclass(frozen=True)
class Accepted:
    project: str  # the project's slug
    user_id: UUID
    role: ProjectRole
    tokens: TokenPair | None  # a new account signs in at once

    @property
    def registered(self) -> bool:
        return self.tokens is not None

    @property
    def access(self) -> str | None:
        return self.tokens.access if self.tokens else None

    @property
    def refresh(self) -> str | None:
        return self.tokens.refresh if self.tokens else None

    @property
    def token_type(self) -> str | None:
        return self.tokens.token_type if self.tokens else None

    @property
    def expires_in(self) -> int | None:
        return self.tokens.expires_in if self.tokens else None


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
    return Accepted(project.slug, user.id, role, tokens)


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
