"""What the OpenAPI document promises beyond success: every error an operation can answer, as problem details.

The statuses are derived from what a route is, so a new route documents them without anyone remembering to:
every API operation can answer 400 (a bad parameter or body) and 429 (the general limit); one that takes a
bearer token 401 and, when the token is required, 403; one with path parameters 404; one with a body 413 and
415; a write 409 (a rule refused it). What a handler can answer besides is declared on it with `problems()`.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar._openapi.schema_generation.plugins.struct import StructSchemaPlugin
from litestar.connection import ASGIConnection
from litestar.datastructures import MutableScopeHeaders
from litestar.handlers import BaseRouteHandler, HTTPRouteHandler
from litestar.openapi import ResponseSpec
from litestar.openapi.spec import Schema
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.types import Message, Method, Scope
from litestar.typing import FieldDefinition

from entrypoints.http.problems import problem
from entrypoints.http.schemas.common import ProblemDetails

PROBLEM_MEDIA_TYPE = "application/problem+json"
BEARER_SCHEME = "BearerToken"
BEARER: list[dict[str, list[str]]] = [{BEARER_SCHEME: []}]

DESCRIPTIONS = {
    400: "The body or a parameter is not valid; `errors` names the fields.",
    401: "Not signed in, or the credentials or token are not valid.",
    403: "Signed in, but not allowed to do this.",
    404: "Not found, or not visible to you.",
    409: "A rule refused it; `code` says which.",
    410: "It was valid once and is not any more.",
    413: "The body is too large.",
    415: "The body is not of a type this operation takes.",
    429: "Too many requests; `Retry-After` says how many seconds to wait.",
    503: "A service this answer needs is unavailable.",
}
WRITES: frozenset[str] = frozenset({"POST", "PUT", "PATCH", "DELETE"})
WITH_BODY: frozenset[str] = frozenset({"POST", "PUT", "PATCH"})


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """Error answers an operation documents, each as problem details."""
    return {
        status: ResponseSpec(
            data_container=ProblemDetails,
            description=DESCRIPTIONS[status],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
        )
        for status in statuses
    }


def derived_statuses(
    path: str, methods: set[Method] | frozenset[str], security: list[Any], has_path_params: bool
) -> set[int]:
    """The errors any route of this shape can answer (see the module's docstring)."""
    if not path.startswith("/api/"):
        return set()
    statuses = {400, 429}
    schemes = [requirement for requirement in security if BEARER_SCHEME in requirement]
    if schemes:
        statuses.add(401)
        if {} not in security:
            statuses.add(403)
    if has_path_params:
        statuses.add(404)
    if set(methods) & WITH_BODY:
        statuses |= {413, 415}
    if set(methods) & WRITES:
        statuses.add(409)
    return statuses


def operation_id(handler: HTTPRouteHandler, _method: Method, _components: list[Any]) -> str:
    """`<tag>_<handler>`: `tasks_claim`, `auth_login`; what a generated client names its functions."""
    tags = handler.resolve_tags()
    return f"{tags[0]}_{handler.handler_name}" if tags else handler.handler_name


class ClosedRequestBodies(StructSchemaPlugin):
    """A body Struct that refuses unknown fields says so: `additionalProperties: false`."""

    def to_openapi_schema(self, field_definition: FieldDefinition, schema_creator: Any) -> Schema:
        schema = super().to_openapi_schema(field_definition, schema_creator)
        info = msgspec.inspect.type_info(field_definition.type_)
        if isinstance(info, msgspec.inspect.StructType) and info.forbid_unknown_fields:
            schema.additional_properties = False
        return schema


class DocumentedProblems(ReceiveRoutePlugin):
    """Gives each route's handlers the derived error answers; declared ones stay as declared.

    It also keeps the methods of each path, for `Allow`: Litestar's automatic OPTIONS answer can list
    the methods of an earlier, partial version of the route.
    """

    def __init__(self) -> None:
        self.methods: dict[str, str] = {}
        self.query_names: dict[tuple[str, str], frozenset[str]] = {}

    async def refuse_unknown_query(self, connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        """An app-wide guard: an API query parameter the operation does not take is refused, not ignored,
        so a misspelt filter (`?statis=open`) does not silently answer everything. It is a coroutine because
        Litestar runs a plain function guard in a worker thread: a thread hop on every request."""
        scope = connection.scope
        if not scope["path"].startswith("/api/"):
            return
        known = self.query_names.get((str(scope.get("path_template", "")), str(scope.get("method", ""))))
        unknown = sorted(set(connection.query_params) - known) if known is not None else []
        if unknown:
            errors = [
                {"field": name, "source": "query", "message": "not a parameter of this operation"} for name in unknown
            ]
            raise problem(400, "validation_failed", f"Unknown query parameter: {unknown[0]!r}.", errors=errors)

    async def fix_allow(self, message: Message, scope: Scope) -> None:
        """A before-send hook: the OPTIONS answer lists every method of the path."""
        if message["type"] == "http.response.start" and scope.get("method") == "OPTIONS":
            methods = self.methods.get(str(scope.get("path_template", "")))
            if methods is not None and message["status"] == 204:
                MutableScopeHeaders.from_message(message)["Allow"] = methods

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        self.methods[route.path_format] = ", ".join(sorted(route.methods))
        for method, (_, kwargs_model) in route.route_handler_map.items():
            names = frozenset(p.field_alias for p in kwargs_model.expected_query_params)
            self.query_names[(route.path_format, method)] = names
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            methods = handler.http_methods - {"HEAD", "OPTIONS"}
            derived = derived_statuses(route.path, methods, handler.resolve_security(), bool(route.path_parameters))
            handler.responses = {**problems(*sorted(derived)), **(handler.responses or {})}
