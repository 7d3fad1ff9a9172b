"""/metrics is not public: on the app it answers only a bearer METRICS_TOKEN; METRICS_BIND serves it apart."""

from __future__ import annotations

import hmac
import os
from typing import Any

import prometheus_client
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.plugins.prometheus import PrometheusController
from prometheus_client import multiprocess

from entrypoints.http.problems import problem


def metrics_controllers(token: str | None) -> list[type[PrometheusController]]:
    """The /metrics route when a token is set; without one the app has no /metrics at all."""
    if not token:
        return []
    expected = f"Bearer {token}".encode()

    async def token_sent(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        sent = connection.headers.get("authorization", "").encode()
        if not hmac.compare_digest(sent, expected):
            challenge = {"WWW-Authenticate": 'Bearer realm="metrics"'}
            raise problem(401, "unauthenticated", "Send the metrics token as a bearer token.", challenge)

    class MetricsController(PrometheusController):
        path = "/metrics"
        include_in_schema = False
        guards = [token_sent]

    return [MetricsController]


def serve_metrics_apart(bind: str) -> Any:
    """Starts a metrics server on `host:port` in a thread (an address only the monitoring network reaches);
    returns it, so a caller may shut it down. Several workers share their counters through
    PROMETHEUS_MULTIPROC_DIR, as Prometheus' client documents."""
    host, _, port = bind.rpartition(":")
    registry = prometheus_client.REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    server, _thread = prometheus_client.start_http_server(int(port), addr=host or "127.0.0.1", registry=registry)
    return server
