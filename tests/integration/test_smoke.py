"""The app answers its probes on each database."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient


async def test_ready_checks_the_database(client: AsyncTestClient[Any]) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
