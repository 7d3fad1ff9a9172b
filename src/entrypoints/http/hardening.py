"""What every answer carries and every API body must be: security headers, and JSON bodies typed strictly."""

from __future__ import annotations

from functools import cache
from typing import Any

import msgspec
from litestar.datastructures import MutableScopeHeaders
from litestar.types import BeforeMessageSendHookHandler, Message, Scope

from entrypoints.http.contract import BEARER_SCHEME
from entrypoints.http.dependencies import HttpRequest, bearer_token
from entrypoints.http.problems import problem

# The API answers data, never something to render: it may load nothing and be framed nowhere.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
# The schema viewer runs its vendored scripts and styles, from here alone, and fetches the document.
DOCS_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
# Pages load nothing from elsewhere.
PAGES_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)
MACHINE_PATHS = ("/api/", "/health", "/metrics")
# Answers that carry tokens or say who someone is: never kept by a browser or a proxy.
AUTH_PATHS = ("/api/auth/", "/api/invites/accept/")
DEFAULT_RETRY_AFTER = "60"
INVALID_BODY = "The request is malformed or a field is not valid."


def content_security_policy(path: str) -> str:
    if path.startswith(MACHINE_PATHS):
        return API_POLICY
    if path.startswith("/schema"):
        return DOCS_POLICY
    return PAGES_POLICY


def security_headers(force_https: bool) -> BeforeMessageSendHookHandler:
    """A before-send hook, so error answers (404, 401, 429, ...) carry the headers too."""
    values = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
    }
    if force_https:
        values["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"

    async def before_send(message: Message, scope: Scope) -> None:
        if message["type"] != "http.response.start":
            return
        headers = MutableScopeHeaders.from_message(message)
        for name, value in values.items():
            headers.setdefault(name, value)
        path = scope["path"]
        headers.setdefault("Content-Security-Policy", content_security_policy(path))
        if path.startswith(AUTH_PATHS):
            headers["Cache-Control"] = "no-store"
        if message["status"] == 429:
            headers.setdefault("Retry-After", DEFAULT_RETRY_AFTER)

    return before_send


@cache
def _strict_decoder(shape: Any) -> msgspec.json.Decoder[Any]:
    return msgspec.json.Decoder(shape, strict=True)


def _needs_bearer(request: HttpRequest) -> bool:
    security = request.route_handler.resolve_security()
    return bool(security) and {} not in security and any(BEARER_SCHEME in r for r in security)


def _body_shape(request: HttpRequest) -> Any:
    field = request.route_handler.parsed_fn_signature.parameters.get("data")
    return None if field is None else field.annotation


async def require_json_body(request: HttpRequest) -> None:
    """API bodies are JSON (anything else is refused, which also stops cross-site form posts), and typed
    strictly: Litestar converts bodies leniently, so `"10"` would pass for the number 10."""
    if request.method not in ("POST", "PUT", "PATCH") or not request.url.path.startswith("/api/"):
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not media_type and request.headers.get("content-length", "0") == "0":
        return
    if media_type != "application/json":
        raise problem(415, "unsupported_media_type", "Send the body as application/json.")
    if _needs_bearer(request):
        bearer_token(request)  # who is asking is settled before what they sent: a 401 comes first
    shape = _body_shape(request)
    body = await request.body()
    if shape is None or not body.strip():
        return
    try:
        _strict_decoder(shape).decode(body)
    except msgspec.ValidationError as exc:
        message, _, where = str(exc).partition(" - at `")
        field = where.rstrip("`").removeprefix("$").lstrip(".") or None
        errors = [{"field": field, "source": "body", "message": message}]
        raise problem(
            400, "validation_failed", "The request is malformed or a field is not valid.", errors=errors
        ) from None
    except msgspec.DecodeError:
        return  # not JSON at all: Litestar's own parsing refuses it with its usual answer
