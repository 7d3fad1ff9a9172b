"""Every error leaves as RFC 9457 problem details with a stable `code`."""

from __future__ import annotations

import logging
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.plugins.problem_details import ProblemDetailsConfig, ProblemDetailsException, ProblemDetailsPlugin
from litestar.types import ExceptionHandlersMap
from redis.exceptions import RedisError

from domain.errors import DomainError, ErrorKind, TooManyAttempts

log = logging.getLogger(__name__)

PROBLEM_BASE = "https://taskreward.dev/problems/"

STATUS_BY_KIND = {
    ErrorKind.INVALID: 400,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.GONE: 410,
    ErrorKind.TOO_MANY: 429,
    ErrorKind.TOO_LARGE: 413,
    ErrorKind.UNSUPPORTED: 415,
}

CODE_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


def problem(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None, **extra: object
) -> ProblemDetailsException:
    return ProblemDetailsException(
        status_code=status,
        title=HTTPStatus(status).phrase,
        detail=detail,
        type_=PROBLEM_BASE + code.replace("_", "-"),
        headers=headers,
        extra={"code": code, **extra},
    )


def from_domain_error(exc: DomainError) -> ProblemDetailsException:
    status = STATUS_BY_KIND[exc.kind]
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
    if isinstance(exc, TooManyAttempts):
        headers["Retry-After"] = str(exc.retry_after)
    extra = {"errors": [{"field": exc.field, "message": exc.detail}]} if exc.field else {}
    return problem(status, exc.code, exc.detail, headers or None, **extra)


def from_validation_error(exc: ValidationException) -> ProblemDetailsException:
    errors = []
    if isinstance(exc.extra, list):
        for item in exc.extra:
            if isinstance(item, dict):
                errors.append({"field": item.get("key"), "source": item.get("source"), "message": item.get("message")})
    return problem(400, "validation_failed", "The request is malformed or a field is not valid.", errors=errors)


def from_http_exception(exc: HTTPException) -> ProblemDetailsException:
    if isinstance(exc, ProblemDetailsException):
        return exc
    status = exc.status_code
    code = CODE_BY_STATUS.get(status, "error")
    detail = exc.detail if status < 500 else HTTPStatus(status).phrase
    headers = dict(exc.headers or {})
    if status == 429:
        # The general limiter says when its window resets; that is when to come back.
        reset = headers.get("RateLimit-Reset", "")
        headers.setdefault("Retry-After", str(max(1, int(reset))) if reset.isdigit() else "60")
    return problem(status, code, detail, headers or None)


def from_recursion_error(exc: RecursionError) -> ProblemDetailsException:
    """msgspec gives up on JSON nested too deeply with a RecursionError, which Litestar lets through."""
    if "deserializing" in str(exc):
        return problem(400, "bad_request", "JSON is malformed: nested too deeply.")
    log.error("unhandled error", exc_info=exc)
    return problem(500, "internal_error", "Something went wrong on our side.")


def from_redis_error(exc: RedisError) -> ProblemDetailsException:
    """What still needs Redis during an outage (page sessions) answers 503, never 500; the rest falls back."""
    log.warning("Redis unavailable for this request: %s", type(exc).__name__)
    detail = "Signing in and page sessions are briefly unavailable. Please try again in a minute."
    return problem(503, "service_unavailable", detail, {"Retry-After": "30"})


Respond = Callable[[Request[Any, Any, Any], ProblemDetailsException], Response[Any]]

_CONVERSIONS: dict[type[Exception], Callable[[Any], ProblemDetailsException]] = {
    DomainError: from_domain_error,
    ValidationException: from_validation_error,
    HTTPException: from_http_exception,
    RecursionError: from_recursion_error,
    RedisError: from_redis_error,
}


def problem_details_plugin(respond: Respond) -> ProblemDetailsPlugin:
    """`respond` turns each problem into the answer: problem details, or a page where a person navigates."""
    return ProblemDetailsPlugin(ProblemDetailsConfig(exception_handler=respond))


def problem_handlers(respond: Respond) -> ExceptionHandlersMap:
    """Every error the app knows becomes a problem first, then goes through `respond`."""

    def handler(convert: Callable[[Any], ProblemDetailsException]) -> Any:
        return lambda request, exc: respond(request, convert(exc))

    return {kind: handler(convert) for kind, convert in _CONVERSIONS.items()}
