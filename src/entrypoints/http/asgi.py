"""ASGI factory for the API processes: `taskreward serve` runs it under Granian, one app per worker.

X-Forwarded-* headers are handled inside the app (`create_app`, from FORWARDED_ALLOW_IPS), however it is served.
"""

from __future__ import annotations

from litestar import Litestar

from entrypoints.bootstrap import bootstrap
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


def make_app() -> Litestar:
    settings = Settings.from_env()
    return create_app(bootstrap(settings), run_embedded_scheduler=not settings.redis_url)
