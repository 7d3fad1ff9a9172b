"""The API-wide request limit as ASGI middleware: one check per request, a 429 problem when it is spent."""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.exceptions import TooManyRequestsException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from adapters.request_limit import MemoryRequestLimit


class RequestLimit(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)

    def __init__(self, limit: MemoryRequestLimit, exclude: list[str]) -> None:
        self.limit = limit
        self.unmetered = tuple(exclude)
        self.should_bypass_for_scope = self._unmetered

    def _unmetered(self, scope: Scope) -> bool:
        return scope["path"].startswith(self.unmetered)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        client = scope.get("client")
        if not await self.limit.allow(client[0] if client else "unknown"):
            _, reset = self.limit.window()
            headers = {
                "Retry-After": str(reset),
                "RateLimit-Limit": str(self.limit.per_minute),
                "RateLimit-Remaining": "0",
                "RateLimit-Reset": str(reset),
            }
            raise TooManyRequestsException(headers=headers)
        await next_app(scope, receive, send)
