"""Who someone is: the collaborators that prove it, and the pair of tokens a proven user gets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from uuid import UUID

from application.limits import AttemptLimits
from application.ports.clock import Clock
from application.ports.repositories import UnitOfWork, UnitOfWorkFactory
from application.ports.security import (
    Authenticator,
    PasswordHasher,
    RateLimiter,
    SecretDigest,
    SignedInUsers,
    TokenCodec,
)
from domain.sessions import RefreshSession, TokenClaims, TokenKind, TokenPair
from domain.sign_ins import Client, SignIn, SignInKind
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
    authenticator: Authenticator
    signed_in: SignedInUsers
    access_ttl: timedelta = timedelta(minutes=15)
    refresh_ttl: timedelta = timedelta(days=7)
    default_time_zone: str = "UTC"
    limits: AttemptLimits = field(default_factory=AttemptLimits)
    reads: UnitOfWorkFactory | None = None  # units of work that only read, where the adapters have a cheaper kind

    @property
    def reader(self) -> UnitOfWorkFactory:
        return self.reads or self.uow


def token_pair(user: User, session: RefreshSession, deps: Identity) -> TokenPair:
    now = session.issued_at
    access = TokenClaims(
        kind=TokenKind.ACCESS,
        user_id=user.id,
        token_id=session.id,
        issued_at=now,
        expires_at=now + deps.access_ttl,
        session_version=user.session_version,
        family_id=session.family_id,  # the sign-in: ending it ends this token at once
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


async def issue_new_session(
    uow: UnitOfWork, user: User, deps: Identity, kind: SignInKind = SignInKind.API, client: Client | None = None
) -> TokenPair:
    """A new sign-in, and the first refresh token of its family (the family's id is the sign-in's)."""
    now = deps.clock.now()
    sign_in = SignIn.start(user.id, kind, client or Client(), now)
    await uow.sign_ins.add(sign_in)
    session = RefreshSession(user_id=user.id, family_id=sign_in.id, issued_at=now, expires_at=now + deps.refresh_ttl)
    await uow.sessions.add(session)
    return token_pair(user, session, deps)


async def user_changed(signed_in: SignedInUsers, *user_ids: UUID) -> None:
    """The one call after committing anything that ends a sign-in (one, some or all) or changes who a user is
    (role, active flag, password, email, two-factor, profile, closing): every process drops its kept copies of
    these users, with every sign-in of theirs, so the next request reads whether its sign-in is still live."""
    await signed_in.forget(user_ids)
