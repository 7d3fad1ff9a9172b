"""The outermost layer of every HTTP exchange, in one pass instead of a middleware each:

- a request id, bound into each log line the request causes and answered as X-Request-ID;
- the tracker's alias paths rewritten to the canonical ones before routing (`aliases.py`);
- the security headers every answer carries, error answers included (`hardening.py`).

The headers are appended to the answer's raw header list: no header object per answer.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from structlog.contextvars import bound_contextvars

from entrypoints.http.aliases import Alias, method_not_allowed, rewrite
from entrypoints.http.hardening import answer_headers
from entrypoints.http.request_id import request_id_of

REQUEST_ID = b"x-request-id"


class Edge:
    def __init__(self, app: ASGIApp, *, force_https: bool) -> None:
        self.app = app
        self.force_https = force_https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope["headers"])

        async def answer(message: Message) -> None:
            if message["type"] == "http.response.start":
                # The routed path (Litestar normalises `//api/...`), as the answer's kind is the handler's.
                stamped = answer_headers(scope["path"], self.force_https)
                headers = [(n, v) for n, v in message.get("headers", ()) if n.lower() != REQUEST_ID]
                present = {name.lower() for name, _ in headers}
                headers += [(n, v) for n, v in stamped.defaults if n not in present]
                if stamped.no_store:
                    headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                if message["status"] == 429 and b"retry-after" not in present:
                    headers.append((b"retry-after", stamped.retry_after))
                headers.append((REQUEST_ID, request_id.encode()))
                message["headers"] = headers
            await send(message)

        with bound_contextvars(request_id=request_id):
            found = rewrite(scope)
            if isinstance(found, Alias):
                await method_not_allowed(found, answer)
            else:
                await self.app(scope, receive, answer)
