"""The module `dramatiq` loads in each worker process: settings from the environment, broker, actors."""

from __future__ import annotations

import dramatiq

from adapters.jobs.dramatiq_broker import create_broker
from entrypoints.logs import configure_logging
from entrypoints.settings import Settings
from entrypoints.worker import WorkerRuntime, declare_actors

settings = Settings.from_env()
configure_logging(settings)
if not settings.redis_url:
    raise SystemExit("taskreward worker needs REDIS_URL (the embedded default runs jobs inside `serve`)")
broker = create_broker(settings.redis_url, namespace=settings.redis_namespace)
dramatiq.set_broker(broker)
actors = declare_actors(broker, WorkerRuntime(settings, broker))
