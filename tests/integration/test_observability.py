"""Structured logs and traces: a request id in every line of a request, no secret in any line or span."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from litestar.testing import AsyncTestClient
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from entrypoints.http.app import create_app
from entrypoints.http.tracing import tracing
from entrypoints.settings import Settings
from tests.integration.conftest import PASSWORD, add_account, build

TOKEN = "Zq" * 21 + "x"  # shaped like an invitation token


@pytest.fixture
def database_url(sqlite_db: str) -> str:
    return sqlite_db


@pytest.fixture
def lines() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """Every line the app logs, parsed: a handler with the app's own formatter, added once it is set up."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    root = logging.getLogger()

    loggers = [root, logging.getLogger("litestar")]  # Litestar's request lines do not propagate

    def read() -> list[dict[str, Any]]:
        parsed = [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
        return [line for line in parsed if line.get("logger") != "httpx"]  # the test client's own lines

    def attach() -> None:
        handler.setFormatter(root.handlers[0].formatter)
        for logger in loggers:
            logger.addHandler(handler)

    read.attach = attach  # type: ignore[attr-defined]
    yield read
    for logger in loggers:
        logger.removeHandler(handler)


async def test_json_lines_carry_the_request_id_and_no_secret(
    settings_for: Callable[..., Settings], database_url: str, lines: Any, tmp_path: Path
) -> None:
    settings = settings_for(database_url, log_format="json", log_level="INFO")
    async with build(settings) as container, AsyncTestClient(app=create_app(container)) as client:
        lines.attach()
        account = await add_account(container, client, "member", "ada@example.com")
        me = await client.get("/api/auth/me/", headers=account.headers)
        described = await client.get(f"/api/invites/{TOKEN}/")
        refused = await client.post("/api/auth/login/", json={"email": "ada@example.com", "password": "wrong pass 1"})
        given = await client.get("/health/live", headers={"X-Request-ID": "proxy-id-1234"})
    assert (me.status_code, described.status_code, refused.status_code) == (200, 404, 401)
    logged = lines()
    requests = [line for line in logged if line.get("event") in ("HTTP Request", "HTTP Response")]
    assert len(requests) >= 6, logged
    assert all(line.get("request_id") for line in requests), requests
    assert {line["request_id"] for line in requests} >= {me.headers["x-request-id"], refused.headers["x-request-id"]}
    assert given.headers["x-request-id"] == "proxy-id-1234"
    assert all({"timestamp", "level", "event"} <= set(line) for line in logged)
    text = "\n".join(json.dumps(line) for line in logged)
    for secret in (PASSWORD, "wrong pass 1", account.access, account.refresh, TOKEN):
        assert secret not in text
    assert "/api/invites/[redacted]" in text


async def test_traces_only_when_an_endpoint_is_set_and_with_no_secret(
    settings_for: Callable[..., Settings], database_url: str
) -> None:
    assert tracing(settings_for(database_url)) is None
    exporter = InMemorySpanExporter()
    settings = settings_for(database_url, otel_exporter_otlp_endpoint="http://127.0.0.1:4318")
    async with build(settings) as container:
        app = create_app(container, span_exporter=exporter)
        async with AsyncTestClient(app=app) as client:
            account = await add_account(container, client, "manager", "pam@example.com")
            project = await client.post("/api/projects/create/", json={"name": "Traced"}, headers=account.headers)
            assert project.status_code == 201, project.text
            assert (await client.get(f"/api/invites/{TOKEN}/")).status_code == 404
    names = [span.name for span in exporter.get_finished_spans()]
    assert "POST /api/projects/" in names, names  # the alias, as the canonical path it was rewritten to
    assert "GET /api/invites/[redacted]/" in names, names
    dumped = json.dumps([span.to_json() for span in exporter.get_finished_spans()])
    for secret in (TOKEN, account.access, PASSWORD):
        assert secret not in dumped
    assert "/api/projects/create/" not in dumped
