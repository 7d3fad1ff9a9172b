"""Sign-in use cases: log in, refresh with rotation and replay detection, log out, authenticate, resume."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from application import limits
from application.identity import Identity, issue_new_session, token_pair, user_changed
from application.ports.security import UserSignIn
from application.sign_ins import end_sign_in, end_sign_ins
from application.two_factor import passes_second_factor
from domain.account_events import LoginFailed, RefreshReplayed, SignedIn, SignedOut
from domain.errors import AccountInactive, InvalidCredentials, InvalidToken, TokenReused, TwoFactorRequired
from domain.sessions import TokenKind, TokenPair
from domain.sign_ins import Client, SignInKind
from domain.users import User, normalize_email


@dataclass(frozen=True)
class Login:
    email: str
    password: str
    client_address: str
    totp: str | None = None
    user_agent: str = ""
    kind: SignInKind = field(default=SignInKind.API)


async def login(cmd: Login, deps: Identity) -> TokenPair:
    """With two-factor on, a right password without a right code answers `totp_required`, limited alike."""
    email = normalize_email(cmd.email)
    checks = deps.limits.login_checks(email, cmd.client_address)
    await limits.start_attempt(deps.limiter, checks)
    # Argon2 runs outside any transaction: on SQLite an open transaction holds the one write lock.
    async with deps.uow() as uow:
        found = await uow.users.get_by_email(email)
    # One verify either way, against a hash of no one's password when the email is unknown: both cost the same.
    stored_hash = found.password_hash if found else await deps.hasher.dummy_hash()
    password_ok = await deps.hasher.verify(stored_hash, cmd.password)
    fresh_hash = (
        await deps.hasher.hash(cmd.password)
        if found and password_ok and deps.hasher.needs_rehash(stored_hash)
        else None
    )
    now = deps.clock.now()
    async with deps.uow() as uow:
        if found is None or not password_ok:
            uow.record(LoginFailed(at=now, email=email, user_id=found.id if found else None))
            await uow.commit()
            raise InvalidCredentials()
        user = await uow.users.get(found.id, for_update=True)
        if user is None:
            raise InvalidCredentials()
        user.ensure_active()
        if user.totp_enabled:
            if not cmd.totp:
                raise TwoFactorRequired(user_id=user.id)
            if not await passes_second_factor(uow, user, cmd.totp, deps, now):
                raise TwoFactorRequired("The two-factor code is wrong or was already used.", user_id=user.id)
        if fresh_hash is not None and user.password_hash == stored_hash:
            user.password_hash = fresh_hash
        await uow.users.update(user)
        pair = await issue_new_session(uow, user, deps, cmd.kind, Client(cmd.client_address, cmd.user_agent))
        user.record(SignedIn(at=now, user_id=user.id))
        await uow.commit()
    if fresh_hash is not None:
        await user_changed(deps.signed_in, user.id)
    await limits.forgive_attempt(deps.limiter, checks)
    return pair


@dataclass(frozen=True)
class SecondStep:
    """The sign-in page's second step. Only for a caller that saw this user's password pass moments ago: the
    page keeps that proof in its server-side session record, so the code is all that is asked here."""

    user_id: UUID
    code: str
    client_address: str
    user_agent: str = ""


async def login_second_step(cmd: SecondStep, deps: Identity) -> TokenPair:
    # Codes are counted like passwords: tightly per (account, address), loosely per account and per address.
    checks = deps.limits.login_checks(str(cmd.user_id), cmd.client_address)
    await limits.start_attempt(deps.limiter, checks)
    now = deps.clock.now()
    async with deps.uow() as uow:
        user = await uow.users.get(cmd.user_id, for_update=True)
        if user is None:
            raise InvalidCredentials()
        user.ensure_active()
        if not user.totp_enabled or not await passes_second_factor(uow, user, cmd.code, deps, now):
            raise TwoFactorRequired("The two-factor code is wrong or was already used.")
        await uow.users.update(user)
        client = Client(cmd.client_address, cmd.user_agent)
        pair = await issue_new_session(uow, user, deps, SignInKind.PAGE, client)
        user.record(SignedIn(at=now, user_id=user.id))
        await uow.commit()
    await limits.forgive_attempt(deps.limiter, checks)
    return pair


async def refresh(refresh_token: str, deps: Identity) -> TokenPair:
    """Spends the presented token for a new pair; a spent token coming back ends its whole sign-in."""
    claims = deps.tokens.decode(refresh_token, TokenKind.REFRESH)
    now = deps.clock.now()
    async with deps.uow() as uow:
        session = await uow.sessions.get(claims.token_id, for_update=True)
        if session is None or session.user_id != claims.user_id:
            raise InvalidToken()
        sign_in = await uow.sign_ins.get(session.family_id, for_update=True)
        if sign_in is None or not sign_in.is_live:
            raise InvalidToken()
        try:
            session.spend(now)
        except TokenReused:
            # A replay means the token leaked: the sign-in ends, and with it its access tokens.
            await end_sign_in(uow, sign_in, now)
            uow.record(RefreshReplayed(at=now, user_id=session.user_id, family_id=session.family_id))
            await uow.commit()
            await user_changed(deps.signed_in, session.user_id)
            raise
        user = await uow.users.get(session.user_id)
        if user is None or not user.is_active:
            raise InvalidToken()
        successor = session.successor(now, now + deps.refresh_ttl)
        sign_in.last_used_at = now
        await uow.sign_ins.update(sign_in)
        await uow.sessions.update(session)
        await uow.sessions.add(successor)
        await uow.commit()
    return token_pair(user, successor, deps)


async def logout(refresh_token: str, deps: Identity, *, everywhere: bool = False) -> None:
    """Ends the token's sign-in, or with `everywhere` every sign-in of its owner."""
    claims = deps.tokens.decode(refresh_token, TokenKind.REFRESH)
    now = deps.clock.now()
    async with deps.uow() as uow:
        session = await uow.sessions.get(claims.token_id)
        if session is None or session.user_id != claims.user_id or session.revoked_at is not None:
            raise InvalidToken()
        sign_in = await uow.sign_ins.get(session.family_id, for_update=True)
        if sign_in is None or not sign_in.is_live:
            raise InvalidToken()
        if everywhere:
            await end_sign_ins(uow, session.user_id, now)
        else:
            await end_sign_in(uow, sign_in, now)
        uow.record(SignedOut(at=now, user_id=session.user_id))
        await uow.commit()
    await user_changed(deps.signed_in, session.user_id)


async def authenticate(access_token: str, deps: Identity) -> User:
    """The user behind an access token, provided its sign-in is live, its version current, the account active."""
    claims = deps.tokens.decode(access_token, TokenKind.ACCESS)
    if claims.family_id is None:
        raise InvalidToken()
    return await resume_session(claims.user_id, claims.session_version, deps, claims.family_id)


async def resume_session(user_id: UUID, session_version: int, deps: Identity, sign_in_id: UUID) -> User:
    """The user of a sign-in (a bearer token's or a page session's): a kept copy, else one read, and a write
    every few minutes. Every change that ends a sign-in or changes the user calls `user_changed` after its
    commit, so a kept copy never outlives it."""

    async def load() -> UserSignIn | None:
        async with deps.reader() as uow:
            return await uow.users.signed_in(user_id, sign_in_id)

    found = await deps.signed_in.signed_in(user_id, sign_in_id, load)
    if found is None or found[0].session_version != session_version:
        raise InvalidToken()
    user, sign_in = found
    if not user.is_active:
        raise AccountInactive()
    now = deps.clock.now()
    if sign_in.is_stale(now):
        async with deps.uow() as uow:
            await uow.sign_ins.touch(sign_in.id, now)
            await uow.commit()
        deps.signed_in.used(user_id, sign_in.id, now)
    return user
