"""With FORCE_HTTPS, a page asked for over plain HTTP is redirected to HTTPS; the API never is.

The scheme is the one the app settled on: behind a proxy it takes X-Forwarded-Proto from the trusted
proxies alone (FORWARDED_ALLOW_IPS, see app.py).
"""

from __future__ import annotations

from litestar.datastructures import URL
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

NEVER_REDIRECTED = ("/api/", "/health", "/metrics", "/schema")


def _not_a_page(scope: Scope) -> bool:
    return scope["path"].startswith(NEVER_REDIRECTED)


class HttpsRedirect(ASGIMiddleware):
    scopes = (ScopeType.HTTP,)
    should_bypass_for_scope = staticmethod(_not_a_page)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["scheme"] != "http":
            await next_app(scope, receive, send)
            return
        # The path as asked for, trailing slash and all (the router's copy has lost it).
        path = scope.get("raw_path", b"").decode("latin-1").partition("?")[0] or scope["path"]
        target = URL.from_scope(scope).with_replacements(scheme="https", path=path)
        # 308 keeps the method and body, so a form posted over HTTP is not silently turned into a GET.
        await send(
            {
                "type": "http.response.start",
                "status": 308,
                "headers": [(b"location", str(target).encode("latin-1")), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b"", "more_body": False})
