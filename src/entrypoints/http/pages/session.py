"""Page sessions: a cookie naming a record kept by the server, ended exactly as the user's tokens are.

The record holds the user's id, the session version, its sign-in and that sign-in's refresh token. A sign-in
ended anywhere (signing out, the sessions list, a new password, deactivation) ends the record with it.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.types import Empty, Message, ScopeSession

from application import overview, sessions
from application.identity import Identity
from domain.errors import AccountInactive, AuthenticationFailed, DomainError
from domain.sessions import TokenKind, TokenPair
from domain.sign_ins import Client
from domain.users import User
from entrypoints.bootstrap import Container

SESSION_COOKIE = "session"
SESSION_STORE = "sessions"
# Paths that never need a page session: nothing is read or written for them.
NO_SESSION_PATHS = ["^/api/", "^/health", "^/metrics", "^/schema", "^/static/", "^/media/"]
_RENEWED = "renewed_session_id"


class PageSessionBackend(ServerSideSessionBackend):
    def get_session_id(self, connection: ASGIConnection[Any, Any, Any, Any]) -> str:
        renewed = connection.state.get(_RENEWED)
        return str(renewed) if renewed else super().get_session_id(connection)

    async def store_in_message(
        self, scope_session: ScopeSession, message: Message, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> None:
        if scope_session is Empty:
            await self.forget(connection)
            # Max-Age=0 deletes the cookie in every client, whatever its clock says.
            config = self.config
            cookie = Cookie(
                key=config.key,
                value="",
                max_age=0,
                path=config.path,
                domain=config.domain,
                secure=config.secure,
                httponly=True,
                samesite=config.samesite,
            )
            MutableScopeHeaders.from_message(message).add("Set-Cookie", cookie.to_header(header=""))
            return
        # A visitor with nothing to keep gets no record and no cookie.
        if not scope_session and self.config.key not in connection.cookies:
            return
        await super().store_in_message(scope_session, message, connection)

    async def forget(self, connection: ASGIConnection[Any, Any, Any, Any]) -> None:
        session_id = connection.cookies.get(self.config.key)
        if session_id:
            await self.delete(session_id, store=self.config.get_store_from_app(connection.scope["app"]))


@dataclass
class PageSessionConfig(ServerSideSessionConfig):
    _backend_class = PageSessionBackend


def session_config(*, secure: bool, max_age: int) -> PageSessionConfig:
    return PageSessionConfig(
        key=SESSION_COOKIE,
        store=SESSION_STORE,
        secure=secure,
        httponly=True,
        samesite="lax",
        max_age=max_age,
        exclude=NO_SESSION_PATHS,
    )


async def _forget(request: Request[Any, Any, Any]) -> None:
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        await request.app.stores.get(SESSION_STORE).delete(old)


async def _renew_id(request: Request[Any, Any, Any]) -> None:
    """A new id at every sign-in, so an id planted before it (session fixation) is worth nothing after."""
    await _forget(request)
    request.state[_RENEWED] = secrets.token_hex(32)


async def start(request: Request[Any, Any, Any], pair: TokenPair, identity: Identity) -> None:
    claims = identity.tokens.decode(pair.access, TokenKind.ACCESS)
    await _renew_id(request)
    request.set_session(
        {
            "user_id": str(claims.user_id),
            "version": claims.session_version,
            "sid": str(claims.family_id),
            "refresh": pair.refresh,
        }
    )


async def end(request: Request[Any, Any, Any], identity: Identity, *, everywhere: bool = False) -> None:
    """Signs out the way the API does (this sign-in, or every one), then forgets the record."""
    refresh = request.session.get("refresh")
    if refresh:
        with contextlib.suppress(DomainError):  # already ended elsewhere: nothing left to end
            await sessions.logout(str(refresh), identity, everywhere=everywhere)
    request.clear_session()


def client_of(request: Request[Any, Any, Any]) -> Client:
    address = request.client.host if request.client else "unknown"
    return Client(address, request.headers.get("user-agent", ""))


def sign_in_id(request: Request[Any, Any, Any]) -> UUID | None:
    """The page session's sign-in, to mark it in the list and keep it when others end."""
    try:
        return UUID(str(request.session.get("sid")))
    except ValueError:
        return None


async def provide_session_user(request: Request[Any, Any, Any], identity: NamedDependency[Identity]) -> User | None:
    data = request.session
    if "user_id" not in data:
        return None
    try:
        user_id, sid = UUID(str(data["user_id"])), UUID(str(data.get("sid")))
        return await sessions.resume_session(user_id, int(data.get("version", -1)), identity, sid)
    except (AuthenticationFailed, AccountInactive, ValueError):
        # Ended elsewhere (sign-out, new password, deactivation): the record goes now, even if an error follows.
        await _forget(request)
        request.clear_session()
        return None


async def provide_me(session_user: NamedDependency[User | None]) -> User:
    if session_user is None:
        raise NotAuthorizedException("Sign in to see this page.")
    return session_user


@dataclass(frozen=True)
class Viewer:
    """The signed-in person and what the header shows them."""

    user: User
    unread: int
    may_review: bool
    administers: bool = False


async def _viewer_of(user: User, container: Container) -> Viewer:
    header = await overview.header(user, container.queries, container.uow)
    return Viewer(user, header.unread, header.may_review, header.administers)


async def provide_viewer(me: NamedDependency[User], container: NamedDependency[Container]) -> Viewer:
    return await _viewer_of(me, container)


async def provide_visitor(
    session_user: NamedDependency[User | None], container: NamedDependency[Container]
) -> Viewer | None:
    return None if session_user is None else await _viewer_of(session_user, container)
