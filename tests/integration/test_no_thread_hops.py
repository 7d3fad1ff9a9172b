"""Nothing on a request's path is handed to a worker thread: Litestar runs a plain-function guard, hook,
dependency or handler in its thread pool, a hop (and a wake-up of another thread) on every request."""

from __future__ import annotations

from typing import Any

from litestar.routes import HTTPRoute
from litestar.testing import AsyncTestClient
from litestar.utils.sync import AsyncCallable


def _threaded(name: str, callables: dict[str, Any]) -> list[str]:
    return [f"{name}: {what}" for what, fn in callables.items() if isinstance(fn, AsyncCallable)]


async def test_no_callable_of_a_request_runs_in_a_worker_thread(client: AsyncTestClient[Any]) -> None:
    app = client.app
    found = _threaded("app", {f"before_send[{i}]": hook for i, hook in enumerate(app.before_send)})
    handlers = 0
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            handlers += 1
            name = f"{sorted(handler.http_methods)} {route.path}"
            callables: dict[str, Any] = {f"guard {g}": g for g in handler.resolve_guards()}
            callables |= {f"dependency {key}": p.dependency for key, p in handler.resolve_dependencies().items()}
            callables["before_request"] = handler.resolve_before_request()
            found += _threaded(name, callables)
            if handler.has_sync_callable and handler.sync_to_thread:
                found.append(f"{name}: the handler itself")
    assert handlers > 50
    assert found == []
