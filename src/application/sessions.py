"""Sign-in use cases: log in, refresh with rotation and replay detection, log out, authenticate, resume."""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from application import limits
from application.identity import Identity, issue_new_session, token_pair, user_changed
from domain.account_events import LoginFailed, RefreshReplayed, SignedIn, SignedOut
from domain.errors import AccountInactive, InvalidCredentials, InvalidToken, TokenReused
from domain.sessions import TokenKind, TokenPair
from domain.users import User, normalize_email

# Verified against when the email is unknown, so both answers take as long.
_DUMMY_PASSWORD = "timing-equaliser-not-a-password"


@dataclass(frozen=True)
class Login:
    email: str
    password: str
    client_address: str
    totp: str | None = None


async def login(cmd: Login, deps: Identity) -> TokenPair:
    email = normalize_email(cmd.email)
    checks: list[limits.Check] = [
        (limits.LOGIN_FAILURES_PER_MINUTE, email),
        (limits.LOGIN_FAILURES_HOURLY, email),
        (limits.LOGIN_FAILURES_PER_ADDRESS_MINUTE, cmd.client_address),
        (limits.LOGIN_FAILURES_PER_ADDRESS_HOURLY, cmd.client_address),
    ]
    await limits.start_attempt(deps.limiter, checks)
    # Argon2 runs outside any transaction: on SQLite an open transaction holds the one write lock.
    async with deps.uow() as uow:
        found = await uow.users.get_by_email(email)
    stored_hash = found.password_hash if found else await deps.hasher.hash(_DUMMY_PASSWORD)
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
        if fresh_hash is not None and user.password_hash == stored_hash:
            user.password_hash = fresh_hash
            await uow.users.update(user)
        pair = await issue_new_session(uow, user, deps)
        user.record(SignedIn(at=now, user_id=user.id))
        await uow.commit()
    if fresh_hash is not None:
        await user_changed(deps.signed_in, user.id)
    await limits.forgive_attempt(deps.limiter, checks)
    return pair


async def refresh(refresh_token: str, deps: Identity) -> TokenPair:
    """Spends the presented token for a new pair; a spent token coming back ends its whole family."""
    claims = deps.tokens.decode(refresh_token, TokenKind.REFRESH)
    now = deps.clock.now()
    async with deps.uow() as uow:
        session = await uow.sessions.get(claims.token_id, for_update=True)
        if session is None or session.user_id != claims.user_id:
            raise InvalidToken()
        try:
            session.spend(now)
        except TokenReused:
            # A replay means the token leaked: end the family and every access token of the user.
            await uow.sessions.revoke_family(session.family_id, now)
            owner = await uow.users.get(session.user_id, for_update=True)
            if owner is not None:
                owner.end_sessions()
                await uow.users.update(owner)
            uow.record(RefreshReplayed(at=now, user_id=session.user_id, family_id=session.family_id))
            await uow.commit()
            await user_changed(deps.signed_in, session.user_id)
            raise
        user = await uow.users.get(session.user_id)
        if user is None or not user.is_active:
            raise InvalidToken()
        successor = session.successor(now, now + deps.refresh_ttl)
        await uow.sessions.update(session)
        await uow.sessions.add(successor)
        await uow.commit()
    return token_pair(user, successor, deps)


async def logout(refresh_token: str, deps: Identity) -> None:
    """Ends every session of the token's owner: refresh tokens revoked, access tokens outdated."""
    claims = deps.tokens.decode(refresh_token, TokenKind.REFRESH)
    now = deps.clock.now()
    async with deps.uow() as uow:
        session = await uow.sessions.get(claims.token_id)
        if session is None or session.user_id != claims.user_id or session.revoked_at is not None:
            raise InvalidToken()
        user = await uow.users.get(session.user_id, for_update=True)
        if user is None:
            raise InvalidToken()
        user.end_sessions()
        await uow.users.update(user)
        await uow.sessions.revoke_all_for_user(user.id, now)
        user.record(SignedOut(at=now, user_id=user.id))
        await uow.commit()
    await user_changed(deps.signed_in, user.id)


async def authenticate(access_token: str, deps: Identity) -> User:
    """The user behind an access token, provided it is still current and the account active."""
    claims = deps.tokens.decode(access_token, TokenKind.ACCESS)
    return await resume_session(claims.user_id, claims.session_version, deps)


async def resume_session(user_id: UUID, session_version: int, deps: Identity) -> User:
    """The user of a session held by the server (a page session), ended exactly as their tokens are."""

    async def load() -> User | None:
        async with deps.uow() as uow:
            return await uow.users.get(user_id)

    user = await deps.signed_in.user(user_id, load)
    if user is None or user.session_version != session_version:
        raise InvalidToken()
    if not user.is_active:
        raise AccountInactive()
    return user
