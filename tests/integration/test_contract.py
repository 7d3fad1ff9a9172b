"""The OpenAPI document tells the truth: error answers, one problem schema, ids, tags, security, envelopes."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from entrypoints.bootstrap import bootstrap
from entrypoints.http.app import create_app
from tests.integration.conftest import PASSWORD, make_settings

PROBLEM_REF = "#/components/schemas/ProblemDetails"
ALIAS_SUFFIXES = ("/create", "/edit", "/delete", "/invite", "/tasks/add", "/task_list")


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("schema")
    settings = make_settings(f"sqlite+aiosqlite:///{folder / 'schema.db'}", folder)
    return create_app(bootstrap(settings)).openapi_schema.to_schema()


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method.upper(), op) for path, item in document["paths"].items() for method, op in item.items()]


def expected_statuses(path: str, method: str, op: dict[str, Any]) -> set[str]:
    """Written apart from the app's derivation on purpose: what any route of this shape can answer."""
    if not path.startswith("/api/"):
        return set()
    expected = {"400", "429"}
    security = op.get("security", [])
    if any("BearerToken" in requirement for requirement in security):
        expected.add("401")
        if {} not in security:
            expected.add("403")
    if "{" in path:
        expected.add("404")
    if method in ("POST", "PUT", "PATCH"):
        expected |= {"409", "413", "415"}
    if method == "DELETE":
        expected.add("409")
    return expected


def test_every_operation_documents_the_errors_it_can_answer(document: dict[str, Any]) -> None:
    missing = {
        f"{method} {path}": sorted(expected_statuses(path, method, op) - set(op["responses"]))
        for path, method, op in operations(document)
    }
    assert {op: statuses for op, statuses in missing.items() if statuses} == {}


def test_every_error_is_one_problem_details_schema_with_a_code(document: dict[str, Any]) -> None:
    for path, method, op in operations(document):
        for status, response in op["responses"].items():
            if int(status) < 400 or path == "/health/ready":
                continue
            assert response["content"] == {"application/problem+json": {"schema": {"$ref": PROBLEM_REF}}}, (
                method,
                path,
                status,
            )
    problem = document["components"]["schemas"]["ProblemDetails"]
    assert {"status", "title", "detail", "code"} <= set(problem["required"])


def test_operation_ids_tags_and_the_bearer_scheme(document: dict[str, Any]) -> None:
    ids = [op["operationId"] for _, _, op in operations(document)]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z0-9]+)+", op_id) for op_id in ids), ids
    assert all(op.get("tags") for _, _, op in operations(document))
    assert document["components"]["securitySchemes"]["BearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
    }
    secured = [path for path, _, op in operations(document) if op.get("security")]
    assert "/api/tasks/{slug}/claim" in secured
    assert "/api/auth/login" not in secured


def _schema(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref", "")
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def test_every_list_is_the_items_and_next_cursor_envelope(document: dict[str, Any]) -> None:
    lists = 0
    for path, method, op in operations(document):
        for status, response in op["responses"].items():
            for media in response.get("content", {}).values():
                schema = _schema(document, media["schema"])
                assert schema.get("type") != "array", f"{method} {path} answers {status} with a bare list"
                if "items" in schema.get("properties", {}):
                    lists += 1
                    assert {"items", "next_cursor"} <= set(schema["required"]), (method, path)
    assert lists >= 12
    assert "/api/projects/{slug}/invites" in document["paths"]


def test_the_tracker_aliases_stay_out_of_the_document(document: dict[str, Any]) -> None:
    assert [p for p in document["paths"] if p.endswith(ALIAS_SUFFIXES)] == []


async def test_a_number_sent_as_a_string_is_refused(client: AsyncTestClient[Any], accounts: Any) -> None:
    admin = await accounts("admin")
    body = {"name": "Strict", "description": "", "points": "10", "claim_limit": 1}
    refused = await client.post("/api/tasks/", json=body, headers=admin.headers)
    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["code"] == "validation_failed"
    assert [e["field"] for e in refused.json()["errors"]] == ["points"]
    assert (await client.post("/api/tasks/", json={**body, "points": 10}, headers=admin.headers)).status_code == 201
    login = await client.post("/api/auth/login/", json={"email": "x@example.com", "password": 12345678})
    assert login.status_code == 400, login.text


async def test_each_kind_of_answer_carries_its_content_security_policy(client: AsyncTestClient[Any]) -> None:
    api = await client.get("/api/auth/me/")
    assert api.status_code == 401
    assert api.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert (await client.get("/health/live")).headers["content-security-policy"].startswith("default-src 'none'")
    docs = (await client.get("/schema/swagger")).headers["content-security-policy"]
    assert "script-src 'self'" in docs
    assert "style-src 'self'" in docs
    assert "unsafe" not in docs
    page = (await client.get("/signin/")).headers["content-security-policy"]
    assert "script-src 'self'" in page
    assert "unsafe" not in page


async def test_auth_answers_are_never_stored(client: AsyncTestClient[Any], accounts: Any) -> None:
    account = await accounts("member", "stored@example.com")
    answers = [
        await client.post("/api/auth/login/", json={"email": "stored@example.com", "password": PASSWORD}),
        await client.post("/api/auth/login/", json={"email": "stored@example.com", "password": "wrong one 123"}),
        await client.get("/api/auth/me/", headers=account.headers),
        await client.post("/api/auth/token/refresh/", json={"refresh": account.refresh}),
    ]
    assert [a.status_code for a in answers] == [200, 401, 200, 200]
    assert all(a.headers["cache-control"] == "no-store" for a in answers)


@pytest.mark.parametrize("path", ["/schema", "/schema/swagger"])
async def test_the_schema_viewer_is_served_by_the_app_alone(client: AsyncTestClient[Any], path: str) -> None:
    page = await client.get(path)
    assert page.status_code == 200
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert references
    assert [r for r in references if not r.startswith("/") or r.startswith("//")] == []
    assert "http://" not in page.text
    assert "https://" not in page.text
    for reference in references:
        assert (await client.get(reference)).status_code == 200, reference
    assert (await client.get("/schema/openapi.json")).json()["info"]["title"] == "TaskReward API"


@pytest.mark.parametrize("path", ["/schema/redoc", "/schema/elements", "/schema/rapidoc"])
async def test_viewers_that_would_need_a_cdn_are_not_offered(client: AsyncTestClient[Any], path: str) -> None:
    assert (await client.get(path)).status_code == 404
