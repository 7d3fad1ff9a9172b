"""Dependencies the controllers ask for by name: the account services and the signed-in user."""

from __future__ import annotations

from uuid import UUID

from litestar import Request
from litestar.datastructures import State
from litestar.di import NamedDependency

from application.sessions import authenticate
from domain.errors import InvalidToken
from domain.sessions import MAX_TOKEN_LENGTH, TokenKind
from domain.sign_ins import MAX_USER_AGENT_LENGTH
from domain.users import User
from entrypoints.bootstrap import Container

HttpRequest = Request[object, object, State]


def bearer_token(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip() or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidToken("Send an access token as 'Authorization: Bearer <token>'.")
    return token.strip()


# They ask for the container, not the identity: a handler's dependencies then resolve one after the other,
# without a task group per request.
async def provide_current_user(request: HttpRequest, container: NamedDependency[Container]) -> User:
    return await authenticate(bearer_token(request), container.identity)


def provide_sign_in_id(request: HttpRequest, container: NamedDependency[Container]) -> UUID | None:
    """The sign-in the bearer token belongs to (checked already by `current_user`)."""
    return container.identity.tokens.decode(bearer_token(request), TokenKind.ACCESS).family_id


def user_agent(request: HttpRequest) -> str:
    return request.headers.get("user-agent", "")[:MAX_USER_AGENT_LENGTH]


def client_address(request: HttpRequest) -> str:
    return request.client.host if request.client else "unknown"


async def provide_optional_user(request: HttpRequest, container: NamedDependency[Container]) -> User | None:
    """The signed-in user when a bearer token is sent (a bad one is still refused), else None."""
    if "authorization" not in request.headers:
        return None
    return await authenticate(bearer_token(request), container.identity)
