"""Errors where a person navigates are HTML pages; the API and the machines keep problem details."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.plugins.problem_details import ProblemDetailsException
from litestar.response import Redirect, Template

from entrypoints.http.problems import problem

log = logging.getLogger(__name__)

MACHINE_PATHS = ("/health", "/metrics", "/schema")
GENERIC = "Something went wrong on our side. Please try again."


def wants_html(request: Request[Any, Any, Any]) -> bool:
    path = request.url.path
    if path.startswith("/api/"):
        return False
    if path.startswith(MACHINE_PATHS):
        return "text/html" in request.headers.get("accept", "")
    return True


def _to_sign_in(request: Request[Any, Any, Any]) -> Response[Any]:
    target = "/signin/"
    if request.method == "GET":
        # The path as asked for: the router's copy has lost its trailing slash.
        path = request.scope.get("raw_path", b"").decode("latin-1").partition("?")[0] or request.url.path
        query = request.scope.get("query_string", b"").decode("latin-1")
        target += "?next=" + quote(path + (f"?{query}" if query else ""), safe="/")
    if request.headers.get("hx-request"):
        return Response(content=None, status_code=204, headers={"HX-Redirect": target})
    return Redirect(path=target, status_code=303)


def problem_response(request: Request[Any, Any, Any], exc: ProblemDetailsException) -> Response[Any]:
    if not wants_html(request):
        return exc.to_response(request)
    status = exc.status_code
    if status == 401:
        return _to_sign_in(request)
    headers = {k: v for k, v in (exc.headers or {}).items() if k.lower() in ("allow", "retry-after")}
    context = {
        "status": status,
        "title": HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error",
        "detail": exc.detail
        if status < 500 or status == 503
        else "Something went wrong on our side. Please try again.",
        "viewer": None,
    }
    return Template("error.html", context=context, status_code=status, headers=headers)


def internal_error_page(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(request, problem(500, "internal_error", "Something went wrong on our side."))
