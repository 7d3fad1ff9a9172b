"""ASGI factory for running several API processes: `uvicorn --factory entrypoints.http.asgi:make_app`."""

from __future__ import annotations

from litestar import Litestar

from entrypoints.bootstrap import bootstrap
from entrypoints.http.app import create_app
from entrypoints.settings import Settings


def make_app() -> Litestar:
    settings = Settings.from_env()
    return create_app(bootstrap(settings), run_embedded_scheduler=not settings.redis_url)
