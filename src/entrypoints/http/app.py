"""The Litestar application factory: takes a built container, so tests can hand in their own adapters."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.config.csrf import CSRFConfig
from litestar.data_extractors import RequestExtractorField, ResponseExtractorField
from litestar.datastructures import MutableScopeHeaders
from litestar.di import Provide
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.plugins.prometheus import PrometheusConfig, PrometheusController
from litestar.plugins.structlog import StructlogConfig, StructlogPlugin
from litestar.static_files import create_static_files_router
from litestar.stores.memory import MemoryStore
from litestar.stores.redis import RedisStore
from litestar.stores.registry import StoreRegistry
from litestar.template.config import TemplateConfig
from litestar.types import BeforeMessageSendHookHandler, Message, Middleware, Scope

from adapters.request_limit import MemoryRequestLimit, RedisRequestLimit
from adapters.signed_in import RedisSignedInUsers
from entrypoints.bootstrap import Container
from entrypoints.http.aliases import AliasRewrite
from entrypoints.http.controllers.admin import AdminController
from entrypoints.http.controllers.admin_audit import AdminAuditController
from entrypoints.http.controllers.assignments import AssignmentController
from entrypoints.http.controllers.auth import AuthController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.invitations import InvitationController
from entrypoints.http.controllers.notifications import NotificationController
from entrypoints.http.controllers.projects import ProjectController
from entrypoints.http.controllers.tasks import TaskController
from entrypoints.http.controllers.wallet import WalletController
from entrypoints.http.dependencies import HttpRequest, provide_current_user, provide_optional_user
from entrypoints.http.pages import TEMPLATES, page_handlers
from entrypoints.http.pages.errors import internal_error_page, problem_response
from entrypoints.http.pages.https import HttpsRedirect
from entrypoints.http.pages.layout import TEMPLATE_FILTERS
from entrypoints.http.pages.session import session_config
from entrypoints.http.problems import problem, problem_details_plugin, problem_handlers
from entrypoints.http.request_id import RequestId
from entrypoints.http.request_limit import RequestLimit
from entrypoints.http.tracing import tracing
from entrypoints.logs import struct_logging_config
from entrypoints.scheduler import run_scheduler

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

MAX_JSON_BODY = 64 * 1024
# One line per request and per answer, with the method, path and status: never headers, cookies, queries or
# bodies, which is where tokens, passwords and codes travel.
REQUEST_FIELDS: tuple[RequestExtractorField, ...] = ("method", "path")
RESPONSE_FIELDS: tuple[ResponseExtractorField, ...] = ("status_code",)
REQUEST_LOGGING = LoggingMiddlewareConfig(
    request_log_fields=REQUEST_FIELDS, response_log_fields=RESPONSE_FIELDS, exclude=["/health", "/metrics"]
)
UNMETERED_PATHS = ["/health", "/metrics", "/schema", "/static"]
# Pages load nothing from elsewhere; the schema viewer at /schema does, so it is left out.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


class MetricsController(PrometheusController):
    path = "/metrics"
    include_in_schema = False


def _security_headers(force_https: bool) -> BeforeMessageSendHookHandler:
    """A before-send hook, so error responses (404, 401, 429, ...) carry the headers too."""
    values = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if force_https:
        values["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] == "http.response.start":
            headers = MutableScopeHeaders.from_message(message)
            for name, value in values.items():
                headers.setdefault(name, value)
            if not scope["path"].startswith("/schema"):
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)

    return before_send


async def require_json_body(request: HttpRequest) -> None:
    """API bodies are JSON: anything else is refused, which also stops cross-site form posts."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.url.path.startswith("/api/"):
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json" or (not media_type and request.headers.get("content-length", "0") == "0"):
        return
    raise problem(415, "unsupported_media_type", "Send the body as application/json.")


def create_app(
    container: Container,
    *,
    debug: bool = False,
    run_embedded_scheduler: bool = False,
    span_exporter: SpanExporter | None = None,
) -> Litestar:
    settings = container.settings
    traced = tracing(settings, span_exporter)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncGenerator[None, None]:
        stop = asyncio.Event()
        # The embedded default has no separate scheduler process: it schedules in here.
        scheduler = (
            asyncio.create_task(
                run_scheduler(container.queue, container.schedule_lock, container.clock, settings.time_zone, stop=stop)
            )
            if run_embedded_scheduler
            else None
        )
        signed_in = container.identity.signed_in
        listener = asyncio.create_task(signed_in.listen()) if isinstance(signed_in, RedisSignedInUsers) else None
        try:
            yield
        finally:
            stop.set()
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
            if scheduler is not None:
                await scheduler
            await container.close()
            if traced is not None:
                traced[1]()  # the spans still buffered leave now

    settings.media_root.mkdir(parents=True, exist_ok=True)
    stores = StoreRegistry(
        default_factory=(
            (lambda name: RedisStore(container.redis, namespace=f"{settings.redis_namespace}:{name}"))  # type: ignore[arg-type]
            if container.redis is not None
            else (lambda _name: MemoryStore())
        )
    )
    # Outermost first: metrics see every answer, the 429s of the rate limit included.
    middleware: list[Middleware] = [
        PrometheusConfig(app_name="taskreward", prefix="taskreward", group_path=True).middleware
    ]
    if settings.force_https:
        middleware.append(HttpsRedirect())
    if settings.rate_limit_per_minute > 0:
        per_minute, prefix = settings.rate_limit_per_minute, f"{settings.redis_namespace}:requests:"
        limit = (
            RedisRequestLimit(container.redis, per_minute, prefix=prefix)
            if container.redis is not None
            else MemoryRequestLimit(per_minute)
        )
        middleware.append(RequestLimit(limit, exclude=UNMETERED_PATHS))
    sessions = session_config(secure=settings.force_https, max_age=settings.refresh_token_ttl_seconds)
    middleware.append(sessions.middleware)
    templates = TemplateConfig(
        directory=TEMPLATES,
        engine=JinjaTemplateEngine,
        engine_callback=lambda engine: engine.engine.filters.update(TEMPLATE_FILTERS),
    )

    app = Litestar(
        route_handlers=[
            AuthController,
            ProjectController,
            InvitationController,
            TaskController,
            AssignmentController,
            WalletController,
            NotificationController,
            AdminController,
            AdminAuditController,
            *page_handlers(),
            HealthController,
            MetricsController,
            create_static_files_router(
                path="/media", directories=[settings.media_root], include_in_schema=False, send_as_attachment=False
            ),
        ],
        dependencies={
            "container": Provide(lambda: container, use_cache=True, sync_to_thread=False),
            "identity": Provide(lambda: container.identity, use_cache=True, sync_to_thread=False),
            "current_user": Provide(provide_current_user),
            "optional_user": Provide(provide_optional_user),
        },
        plugins=[
            problem_details_plugin(problem_response),
            FlashPlugin(FlashConfig(template_config=templates)),
            StructlogPlugin(
                StructlogConfig(
                    struct_logging_config(settings),
                    REQUEST_LOGGING,
                    # Above INFO no request line would be written: the middleware is not worth its cost then.
                    enable_middleware_logging=logging.getLevelName(settings.log_level.upper()) <= logging.INFO,
                )
            ),
            *([traced[0]] if traced is not None else []),
        ],
        exception_handlers={**problem_handlers(problem_response), Exception: internal_error_page},
        middleware=middleware,
        before_send=[_security_headers(settings.force_https)],
        before_request=require_json_body,
        cors_config=CORSConfig(allow_origins=list(settings.cors_allowed_origins))
        if settings.cors_allowed_origins
        else None,
        stores=stores,
        template_config=templates,
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_secure=settings.force_https,
            cookie_httponly=True,
            # The API authenticates with bearer tokens, never cookies, so only the pages need CSRF.
            exclude=["/api/", "/health", "/metrics", "/schema"],
        ),
        request_max_body_size=MAX_JSON_BODY,
        openapi_config=OpenAPIConfig(
            title="TaskReward API",
            version="0.1.0",
            path="/schema",
            components=Components(
                security_schemes={"BearerToken": SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
        ),
        lifespan=[lifespan],
        debug=debug,
    )
    # A request id for every line of the request, and the tracker's aliases made canonical before routing.
    app.asgi_handler = RequestId(AliasRewrite(app.asgi_handler))
    return app
