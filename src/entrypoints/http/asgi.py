"""ASGI factory for the API processes (`taskreward serve` runs it under Granian): the app, behind the
handling of X-Forwarded-* headers from the trusted proxies only."""

from __future__ import annotations

from litestar.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from entrypoints.bootstrap import bootstrap
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


def make_app() -> ASGIApp:
    settings = Settings.from_env()
    app = create_app(bootstrap(settings), run_embedded_scheduler=not settings.redis_url)
    return ProxyHeadersMiddleware(app, trusted_hosts=settings.forwarded_allow_ips)  # type: ignore[arg-type,return-value]
