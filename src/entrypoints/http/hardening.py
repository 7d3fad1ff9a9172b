"""What every answer carries and every API body must be: security headers, and JSON bodies typed strictly."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

import msgspec

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


@dataclass(frozen=True)
class AnswerHeaders:
    defaults: tuple[tuple[bytes, bytes], ...]  # set unless the answer has its own
    no_store: bool  # answers that carry tokens or say who someone is
    retry_after: bytes = DEFAULT_RETRY_AFTER.encode()  # a 429 that names no wait


@cache
def _defaults(policy: str, force_https: bool) -> tuple[tuple[bytes, bytes], ...]:
    values = {
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "same-origin",
        "cross-origin-opener-policy": "same-origin",
        "content-security-policy": policy,
    }
    if force_https:
        values["strict-transport-security"] = "max-age=31536000; includeSubDomains"
    return tuple((name.encode(), value.encode("latin-1")) for name, value in values.items())


def answer_headers(path: str, force_https: bool) -> AnswerHeaders:
    """What every answer on `path` carries (`edge.py` adds them), error answers (404, 401, 429, ...) too."""
    return AnswerHeaders(_defaults(content_security_policy(path), force_https), path.startswith(AUTH_PATHS))


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
