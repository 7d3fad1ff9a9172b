"""Who someone is: the collaborators that prove it, and the pair of tokens a proven user gets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.ports.clock import Clock
from application.ports.repositories import UnitOfWork, UnitOfWorkFactory
from application.ports.security import PasswordHasher, RateLimiter, SecretDigest, SignedInUsers, TokenCodec
from domain.sessions import RefreshSession, TokenClaims, TokenKind, TokenPair
from domain.users import User


@dataclass(frozen=True)
class Identity:
    """What the account and sign-in use cases share: hashing, signing, digests, attempt limits, lifetimes."""

    uow: UnitOfWorkFactory
    clock: Clock
    hasher: PasswordHasher
    tokens: TokenCodec
    digest: SecretDigest
    limiter: RateLimiter
    signed_in: SignedInUsers
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=7)
    default_time_zone: str = "UTC"


def token_pair(user: User, session: RefreshSession, deps: Identity) -> TokenPair:
    now = session.issued_at
    access = TokenClaims(
        kind=TokenKind.ACCESS,
        user_id=user.id,
        token_id=session.id,
        issued_at=now,
        expires_at=now + deps.access_ttl,
        session_version=user.session_version,
    )
    refresh = TokenClaims(
        kind=TokenKind.REFRESH,
        user_id=user.id,
        token_id=session.id,
        issued_at=now,
        expires_at=session.expires_at,
        family_id=session.family_id,
    )
    return TokenPair(
        access=deps.tokens.encode(access),
        refresh=deps.tokens.encode(refresh),
        expires_in=int(deps.access_ttl.total_seconds()),
    )


async def issue_new_session(uow: UnitOfWork, user: User, deps: Identity) -> TokenPair:
    now = deps.clock.now()
    session = RefreshSession.start_family(user.id, now, now + deps.refresh_ttl)
    await uow.sessions.add(session)
    return token_pair(user, session, deps)


async def user_changed(signed_in: SignedInUsers, *user_ids: UUID) -> None:
    """The one call after committing anything that ends sessions or changes who a user is (role, active flag,
    password, session version): every process stops authenticating from its kept copy of these users.

    Sessions of one sign-in, when they come, plug in beside it: the token's session id checked against a
    revocation lookup of its own, and ending one session calls this too, so the user's copy is reloaded."""
    await signed_in.forget(user_ids)
