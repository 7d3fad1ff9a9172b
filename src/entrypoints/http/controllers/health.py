"""Liveness and readiness probes for orchestrators and load balancers."""

from __future__ import annotations

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.openapi import ResponseSpec

from entrypoints.bootstrap import Container

ContainerDep = NamedDependency[Container]


class Readiness(msgspec.Struct):
    status: str
    checks: dict[str, str]  # each service: "ok" or "unavailable"
    reasons: dict[str, str]  # why each unavailable one is, and what the service does meanwhile


DEGRADED = {
    "database": "nothing can be read or written until it is back",
    "redis": "rate limits are kept per process, the list cache is off, jobs wait in the outbox, "
    "and pages that need a session answer 503",
}


class HealthController(Controller):
    path = "/health"
    tags = ["operations"]
    include_in_schema = True

    @get("/live")
    async def live(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/ready", responses={503: ResponseSpec(Readiness, description="A service it needs is not answering.")})
    async def ready(self, container: ContainerDep) -> Response[Readiness]:
        found = await container.readiness()
        checks = {name: value.partition(":")[0] for name, value in found.items()}
        reasons = {
            name: f"{value.partition(': ')[2]}: {DEGRADED[name]}" for name, value in found.items() if value != "ok"
        }
        ready = not reasons
        body = Readiness("ok" if ready else "unavailable", checks, reasons)
        return Response(body, status_code=200 if ready else 503)
