"""Tracing through Litestar's OpenTelemetry plugin, on only when OTEL_EXPORTER_OTLP_ENDPOINT is set.

Spans are named by the canonical path (aliases are rewritten first), with an invitation token masked,
and carry no headers, so no secret leaves in a trace either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from litestar.plugins import InitPlugin
from litestar.types import Scope

from entrypoints.logs import redacted_path
from entrypoints.settings import Settings, SettingsError

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter
    from opentelemetry.trace import Span

SERVICE = "taskreward"
_URL_ATTRIBUTES = ("http.target", "http.url", "url.path", "url.full", "url.query")


def tracing(settings: Settings, exporter: SpanExporter | None = None) -> tuple[InitPlugin, Callable[[], None]] | None:
    """The plugin and what flushes its spans at shutdown; None when tracing is off."""
    if not settings.otel_exporter_otlp_endpoint:
        return None
    try:
        from litestar.plugins.opentelemetry import OpenTelemetryConfig, OpenTelemetryPlugin
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise SettingsError("OTEL_EXPORTER_OTLP_ENDPOINT is set: install the 'otel' extra to trace") from exc

    endpoint = settings.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE}))
    provider.add_span_processor(BatchSpanProcessor(exporter or OTLPSpanExporter(endpoint=endpoint)))

    def span_details(scope: Scope) -> tuple[str, dict[str, str]]:
        path = redacted_path(scope["path"])
        name = f"{scope.get('method', '')} {path}".strip()
        return name, {"http.route": name}

    def scrub(span: Span, scope: dict[str, object]) -> None:
        path = redacted_path(str(scope.get("path", "")))
        for attribute in _URL_ATTRIBUTES:
            span.set_attribute(attribute, path if attribute != "url.query" else "")

    config = OpenTelemetryConfig(
        tracer_provider=provider, scope_span_details_extractor=span_details, server_request_hook_handler=scrub
    )
    return OpenTelemetryPlugin(config), provider.shutdown
