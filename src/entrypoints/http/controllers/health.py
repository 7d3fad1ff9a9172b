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
    checks: dict[str, str]


class HealthController(Controller):
    path = "/health"
    tags = ["operations"]
    include_in_schema = True

    @get("/live")
    async def live(self) -> dict[str, str]:
        return {"status": "ok"}

    @get("/ready", responses={503: ResponseSpec(Readiness, description="A service it needs is not answering.")})
    async def ready(self, container: ContainerDep) -> Response[Readiness]:
        checks = await container.readiness()
        ready = all(value == "ok" for value in checks.values())
        return Response(Readiness("ok" if ready else "unavailable", checks), status_code=200 if ready else 503)
