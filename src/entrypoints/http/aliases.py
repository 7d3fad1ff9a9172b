"""The Project Tracker document's own paths (SPEC §6), rewritten to the canonical ones before routing.

One table maps each alias (methods, path) to its canonical path; the router, the handlers, the schema and
the metrics only ever see canonical paths. Another method on an alias path answers 405, as a route would.
The tracker's clients size a page with `page_size` (as Django REST framework does): on an alias path it is
read as our `limit`, so such a client gets its page instead of an unknown-parameter 400.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from litestar.types import HTTPResponseBodyEvent, HTTPResponseStartEvent, HTTPScope, Send

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
_LAST_SEGMENTS = tuple({"/" + alias.alias.rstrip("/").rsplit("/", 1)[1] + "/" for alias in ALIASES})


def canonical_path(method: str, path: str) -> str | Alias | None:
    """The canonical path of an alias; the Alias itself when only the method is wrong; None for other paths."""
    if not path.endswith(_LAST_SEGMENTS):  # most requests: no pattern to try
        return None
    for alias, pattern in _COMPILED:
        found = pattern.match(path)
        if found is not None:
            if method not in alias.methods:
                return alias
            return alias.canonical.replace("{slug}", found.groupdict().get("slug", ""))
    return None


def rewrite(scope: HTTPScope) -> Alias | None:
    """Points an HTTP scope on an alias path at the canonical one; the Alias when only the method is wrong."""
    found = canonical_path(scope["method"], scope["path"])
    if isinstance(found, str):
        scope["path"] = found
        scope["raw_path"] = found.encode()
        scope["query_string"] = _tracker_query(scope.get("query_string", b""))
        return None
    return found


TRACKER_QUERY_NAMES = {"page_size": "limit"}


def _tracker_query(query: bytes) -> bytes:
    """The tracker's names for our query parameters, renamed (ours win when a client sends both)."""
    pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if not any(name in TRACKER_QUERY_NAMES for name, _ in pairs):
        return query
    ours = {name for name, _ in pairs}
    renamed = [
        (TRACKER_QUERY_NAMES.get(name, name), value)
        for name, value in pairs
        if name not in TRACKER_QUERY_NAMES or TRACKER_QUERY_NAMES[name] not in ours
    ]
    return urlencode(renamed).encode("latin-1")


async def method_not_allowed(alias: Alias, send: Send) -> None:
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
