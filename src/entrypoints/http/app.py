"""The Litestar application factory: takes a built container, so tests can hand in their own adapters."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from litestar import Litestar
from litestar.config.cors import CORSConfig
from litestar.config.csrf import CSRFConfig
from litestar.data_extractors import RequestExtractorField, ResponseExtractorField
from litestar.datastructures import State
from litestar.di import Provide
from litestar.middleware.logging import LoggingMiddlewareConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.flash import FlashConfig, FlashPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.plugins.prometheus import PrometheusConfig
from litestar.plugins.structlog import StructlogConfig, StructlogPlugin
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig
from litestar.types import Middleware
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from adapters.request_limit import MemoryRequestLimit, RedisRequestLimit
from adapters.signed_in import RedisSignedInUsers
from entrypoints.bootstrap import Container
from entrypoints.http.contract import BEARER_SCHEME, ClosedRequestBodies, DocumentedProblems, operation_id
from entrypoints.http.controllers.account import AccountController
from entrypoints.http.controllers.admin import AdminController
from entrypoints.http.controllers.admin_audit import AdminAuditController
from entrypoints.http.controllers.admin_deliveries import AdminDeliveryController
from entrypoints.http.controllers.assignments import AssignmentController
from entrypoints.http.controllers.auth import AuthController
from entrypoints.http.controllers.health import HealthController
from entrypoints.http.controllers.invitations import InvitationController
from entrypoints.http.controllers.notifications import NotificationController
from entrypoints.http.controllers.projects import ProjectController
from entrypoints.http.controllers.tasks import TaskController
from entrypoints.http.controllers.wallet import WalletController
from entrypoints.http.dependencies import provide_current_user, provide_optional_user, provide_sign_in_id
from entrypoints.http.docs import docs_render_plugins
from entrypoints.http.edge import Edge
from entrypoints.http.hardening import require_json_body
from entrypoints.http.metrics import metrics_controllers
from entrypoints.http.pages import TEMPLATES, page_handlers
from entrypoints.http.pages.errors import internal_error_page, problem_response
from entrypoints.http.pages.https import HttpsRedirect
from entrypoints.http.pages.layout import TEMPLATE_FILTERS
from entrypoints.http.pages.session import session_config
from entrypoints.http.problems import problem_details_plugin, problem_handlers
from entrypoints.http.request_limit import RequestLimit
from entrypoints.http.shutdown import STOPPING, Stopping
from entrypoints.http.stores import store_registry
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
        # What startup built (routes, schemas, the container) lives as long as the process: frozen, it is no
        # longer walked by every full collection, which keeps those short (and the latency tail low) under load.
        gc.collect()
        gc.freeze()
        try:
            with stopping.heard():
                yield
        finally:
            stop.set()
            stopping.set()
            if listener is not None:
                listener.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await listener
            if scheduler is not None:
                await scheduler
            await container.close()
            if traced is not None:
                traced[1]()  # the spans still buffered leave now

    stopping = Stopping()
    settings.media_root.mkdir(parents=True, exist_ok=True)
    stores = store_registry(container.redis, settings.redis_namespace, container.outage)
    # Outermost first: metrics see every answer, the 429s of the rate limit included.
    middleware: list[Middleware] = [
        PrometheusConfig(app_name="taskreward", prefix="taskreward", group_path=True).middleware
    ]
    if settings.force_https:
        middleware.append(HttpsRedirect())
    if settings.rate_limit_per_minute > 0:
        per_minute, prefix = settings.rate_limit_per_minute, f"{settings.redis_namespace}:requests:"
        limit = (
            RedisRequestLimit(container.redis, per_minute, prefix=prefix, outage=container.outage)
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

    documented = DocumentedProblems()
    app = Litestar(
        route_handlers=[
            AuthController,
            AccountController,
            ProjectController,
            InvitationController,
            TaskController,
            AssignmentController,
            WalletController,
            NotificationController,
            AdminController,
            AdminAuditController,
            AdminDeliveryController,
            *page_handlers(),
            HealthController,
            *metrics_controllers(settings.metrics_token),
            create_static_files_router(
                path="/media", directories=[settings.media_root], include_in_schema=False, send_as_attachment=False
            ),
        ],
        dependencies={
            "container": Provide(lambda: container, use_cache=True, sync_to_thread=False),
            "identity": Provide(lambda: container.identity, use_cache=True, sync_to_thread=False),
            "current_user": Provide(provide_current_user),
            "sign_in_id": Provide(provide_sign_in_id, sync_to_thread=False),
            "optional_user": Provide(provide_optional_user),
        },
        plugins=[
            problem_details_plugin(problem_response),
            documented,
            ClosedRequestBodies(),
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
        before_send=[documented.fix_allow],
        before_request=require_json_body,
        guards=[documented.refuse_unknown_query],
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
                security_schemes={BEARER_SCHEME: SecurityScheme(type="http", scheme="bearer", bearer_format="JWT")}
            ),
            operation_id_creator=operation_id,
            render_plugins=docs_render_plugins(),
        ),
        lifespan=[lifespan],
        state=State({STOPPING: stopping}),
        debug=debug,
    )
    # A request id for every line of the request, and the tracker's aliases made canonical before routing.
    # The client's address and scheme come from X-Forwarded-For/-Proto only when a trusted proxy
    # (FORWARDED_ALLOW_IPS) sent them: rate limits, audit and sessions see the real client, never a spoof.
    trusted = ProxyHeadersMiddleware(app.asgi_handler, trusted_hosts=settings.forwarded_allow_ips)  # type: ignore[arg-type]
    app.asgi_handler = Edge(trusted, force_https=settings.force_https)  # type: ignore[arg-type]
    return app
