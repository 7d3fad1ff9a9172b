"""The Project Tracker document's own paths (SPEC §6), rewritten to the canonical ones before routing.

One table maps each alias (methods, path) to its canonical path; the router, the handlers, the schema and
the metrics only ever see canonical paths. Another method on an alias path answers 405, as a route would.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPResponseBodyEvent, HTTPResponseStartEvent, Receive, Scope, Send

from entrypoints.http.problems import PROBLEM_BASE


@dataclass(frozen=True)
class Alias:
    methods: frozenset[str]
    alias: str  # "{slug}" stands for one path segment
    canonical: str

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.escape(self.alias).replace(r"\{slug\}", "(?P<slug>[^/]+)") + "$")


def _alias(methods: str, alias: str, canonical: str) -> Alias:
    return Alias(frozenset(methods.split()), alias, canonical)


ALIASES = (
    _alias("POST", "/api/projects/create/", "/api/projects/"),
    _alias("GET PATCH", "/api/projects/{slug}/edit/", "/api/projects/{slug}/"),
    _alias("DELETE", "/api/projects/{slug}/delete/", "/api/projects/{slug}/"),
    _alias("POST", "/api/projects/{slug}/invite/", "/api/projects/{slug}/invites/"),
    _alias("POST", "/api/projects/{slug}/tasks/add/", "/api/projects/{slug}/tasks/"),
    _alias("GET", "/api/projects/{slug}/task_list/", "/api/projects/{slug}/tasks/"),
    _alias("GET PATCH", "/api/tasks/{slug}/edit/", "/api/tasks/{slug}/"),
    _alias("DELETE", "/api/tasks/{slug}/delete/", "/api/tasks/{slug}/"),
)
_COMPILED = [(alias, alias.pattern) for alias in ALIASES]


def canonical_path(method: str, path: str) -> str | Alias | None:
    """The canonical path of an alias; the Alias itself when only the method is wrong; None for other paths."""
    for alias, pattern in _COMPILED:
        found = pattern.match(path)
        if found is not None:
            if method not in alias.methods:
                return alias
            return alias.canonical.replace("{slug}", found.groupdict().get("slug", ""))
    return None


class AliasRewrite:
    """Wraps the ASGI app so that alias paths reach the canonical handlers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == ScopeType.HTTP:
            found = canonical_path(scope["method"], scope["path"])
            if isinstance(found, Alias):
                await _method_not_allowed(found, send)
                return
            if found is not None:
                scope["path"] = found
                scope["raw_path"] = found.encode()
        await self.app(scope, receive, send)


async def _method_not_allowed(alias: Alias, send: Send) -> None:
    allowed = ", ".join(sorted(alias.methods))
    body = {
        "type": PROBLEM_BASE + "method-not-allowed",
        "title": "Method Not Allowed",
        "status": 405,
        "detail": f"Method not allowed; this path takes {allowed}.",
        "code": "method_not_allowed",
    }
    headers = [(b"content-type", b"application/problem+json"), (b"allow", allowed.encode())]
    start: HTTPResponseStartEvent = {"type": "http.response.start", "status": 405, "headers": headers}
    end: HTTPResponseBodyEvent = {"type": "http.response.body", "body": json.dumps(body).encode(), "more_body": False}
    await send(start)
    await send(end)
