"""Malformed input on every auth path answers 400 (or 413) problem details with a `code`, never a 500."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from litestar.testing import AsyncTestClient

from application.accounts import create_admin
from entrypoints.bootstrap import Container
from tests.integration.conftest import SmtpInbox, text_part

PASSWORD = "correct horse battery"
EMAIL = "someone@example.com"
FAKE_TOKEN = "A" * 43

VALID_BODIES: dict[str, dict[str, Any]] = {
    "send-otp": {"email": EMAIL},
    "verify-otp": {"email": EMAIL, "otp": "123456"},
    "register": {"email_token": FAKE_TOKEN, "password": PASSWORD, "full_name": "Some One"},
    "register/manager": {"email_token": FAKE_TOKEN, "password": PASSWORD, "full_name": "Some One"},
    "login": {"email": EMAIL, "password": PASSWORD},
    "token/refresh": {"refresh": FAKE_TOKEN},
    "logout": {"refresh": FAKE_TOKEN},
    "password/change": {"current_password": PASSWORD, "new_password": "a much better secret"},
}
EMAIL_PATHS = ("send-otp", "verify-otp", "login")
BAD_EMAILS = [
    "not-an-email",
    "a@b",
    "@example.com",
    "someone@",
    "a@@example.com",
    "a b@example.com",
    "a..b@example.com",
    "someone@exa_mple.com",
    "ä@exämple.com",
    "a\x00@example.com",
    "a@example.com\nBcc: victim@example.com",
    "x" * 65 + "@example.com",
    "a@" + "b" * 300 + ".com",
]
BAD_OTPS = [
    "12345",
    "1234567",
    "abcdef",
    "12 456",
    " 123456",
    "123456\n",
    "\u0661\u0662\u0663\u0664\u0665\u0666",
    "-12345",
]
WRONG_TYPES: list[Any] = [123, 1.5, None, True, [], {}, ["x"], {"a": "b"}]
HUGE = "x" * 100 * 1024
BIG = "x" * 60 * 1024  # under the body limit, over every field's maximum

RAW_BODIES: dict[str, bytes] = {
    "empty": b"",
    "null": b"null",
    "list": b"[]",
    "number": b"42",
    "string": b'"text"',
    "true": b"true",
    "not-json": b"not json",
    "truncated": b'{"email": ',
    "single-quotes": b"{'email': 'a@example.com'}",
    "bad-utf8": b"\xff\xfe{\x00",
    "empty-object": b"{}",
    "deep-nesting": b"[" * 5000 + b"]" * 5000,
    "deep-nesting-in-field": b'{"email": ' + b"[" * 5000 + b"]" * 5000 + b"}",
}

Case = tuple[str, bytes, tuple[int, ...], str | None]


def _cases(path: str) -> list[Case]:
    valid = VALID_BODIES[path]
    cases: list[Case] = [(name, raw, (400,), None) for name, raw in RAW_BODIES.items()]

    def add(name: str, body: dict[str, Any], statuses: tuple[int, ...] = (400,), code: str | None = None) -> None:
        cases.append((name, json.dumps(body).encode(), statuses, code))

    add("unknown-field", {**valid, "is_admin": True}, code="validation_failed")
    add("oversize", {**valid, "padding": "y" * 70 * 1024}, (413,))
    cases.append(("oversize-whitespace", b" " * (65 * 1024) + json.dumps(valid).encode(), (413,), None))
    for field in valid:
        add(f"missing-{field}", {k: v for k, v in valid.items() if k != field}, code="validation_failed")
        for value in WRONG_TYPES:
            add(f"{field}={json.dumps(value)}", {**valid, field: value}, code="validation_failed")
        add(f"{field}-empty", {**valid, field: ""})
        add(f"{field}-60KB", {**valid, field: BIG}, code="validation_failed")
        add(f"{field}-100KB", {**valid, field: HUGE}, (400, 413))
    if "email" in valid:
        for email in BAD_EMAILS:
            add(f"email={email[:40]!r}", {**valid, "email": email})
    if "otp" in valid:
        for otp in BAD_OTPS:
            add(f"otp={otp!r}", {**valid, "otp": otp}, code="validation_failed")
    return cases


def problem_error(response: Any, statuses: tuple[int, ...], code: str | None = None) -> str | None:
    """What is wrong with the answer, or None when it is the expected problem document."""
    if response.status_code not in statuses:
        return f"status {response.status_code} not in {statuses}: {response.text[:300]}"
    if not response.headers.get("content-type", "").startswith("application/problem+json"):
        return f"content-type {response.headers.get('content-type')!r}"
    body = response.json()
    if body.get("status") != response.status_code or not isinstance(body.get("title"), str):
        return f"not a problem document: {body}"
    if not isinstance(body.get("code"), str) or not body["code"]:
        return f"no string code: {body}"
    if code is not None and body["code"] != code:
        return f"code {body['code']!r} != {code!r}"
    return None


def assert_problem(response: Any, statuses: tuple[int, ...], code: str | None = None) -> None:
    error = problem_error(response, statuses, code)
    assert error is None, error


async def run_table(client: AsyncTestClient[Any], path: str, access: str | None = None) -> None:
    headers = {"content-type": "application/json"}
    if access is not None:
        headers["authorization"] = f"Bearer {access}"
    failures = []
    cases = _cases(path)
    for name, body, statuses, code in cases:
        response = await client.post(f"/api/auth/{path}/", content=body, headers=headers)
        error = problem_error(response, statuses, code)
        if error is not None:
            failures.append(f"{path} [{name}]: {error}")
    assert not failures, f"{len(failures)} of {len(cases)} cases failed:\n" + "\n".join(failures)


@pytest.mark.parametrize("path", [p for p in VALID_BODIES if p != "password/change"])
async def test_bad_input_is_a_client_error(client: AsyncTestClient[Any], path: str) -> None:
    await run_table(client, path)


async def test_bad_input_with_a_valid_bearer_is_a_client_error(
    client: AsyncTestClient[Any], container: Container
) -> None:
    await create_admin("changer@example.com", PASSWORD, "Changer", container.identity)
    response = await client.post("/api/auth/login/", json={"email": "changer@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    await run_table(client, "password/change", response.json()["access"])
    # Nothing was changed: the old password still signs in.
    response = await client.post("/api/auth/login/", json={"email": "changer@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text


def test_the_table_is_not_empty() -> None:
    for path in VALID_BODIES:
        assert len(_cases(path)) >= 25


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/nope/"), ("get", "/api/auth/nope/"), ("post", "/api/auth/register/member/")],
)
async def test_unknown_path_is_a_404_problem(client: AsyncTestClient[Any], method: str, path: str) -> None:
    response = await client.request(method.upper(), path)
    assert_problem(response, (404,), "not_found")


async def test_unknown_path_outside_the_api_is_a_404_page(client: AsyncTestClient[Any]) -> None:
    """Where people navigate, errors are pages (see tests/integration/test_pages.py)."""
    response = await client.get("/.env")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/auth/login/"),
        ("PUT", "/api/auth/send-otp/"),
        ("PUT", "/api/auth/me/"),
        ("POST", "/api/auth/me/"),
        ("PATCH", "/api/auth/password/change/"),
        ("POST", "/health/live"),
    ],
)
async def test_wrong_method_is_a_405_problem(client: AsyncTestClient[Any], method: str, path: str) -> None:
    response = await client.request(method, path)
    assert_problem(response, (405,), "method_not_allowed")


async def test_a_nul_in_the_full_name_is_refused_and_spends_nothing(
    client: AsyncTestClient[Any], smtp: SmtpInbox
) -> None:
    email = "nul@example.com"
    assert (await client.post("/api/auth/send-otp/", json={"email": email})).status_code == 202
    code = re.findall(r"\b\d{6}\b", text_part(await smtp.wait_for(email)))[0]
    verified = await client.post("/api/auth/verify-otp/", json={"email": email, "otp": code})
    assert verified.status_code == 200, verified.text
    body = {"email_token": verified.json()["email_token"], "password": PASSWORD, "full_name": "Ada\x00Lovelace"}
    assert_problem(await client.post("/api/auth/register/", json=body), (400,))
    response = await client.post("/api/auth/register/", json={**body, "full_name": "Ada Lovelace"})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    "authorization",
    ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-a-jwt", "Bearer a.b.c", "Bearer " + "x" * 5000],
)
async def test_a_bad_bearer_header_is_a_401_problem(client: AsyncTestClient[Any], authorization: str) -> None:
    headers = {"authorization": authorization} if authorization else {}
    response = await client.get("/api/auth/me/", headers=headers)
    assert_problem(response, (401,), "invalid_token")
    response = await client.post("/api/auth/password/change/", json=VALID_BODIES["password/change"], headers=headers)
    assert_problem(response, (401,), "invalid_token")


@pytest.mark.parametrize(
    ("path", "content_type", "body"),
    [
        ("/api/auth/login/", "text/plain", '{"email": "a@example.com", "password": "x"}'),
        ("/api/auth/send-otp/", "application/x-www-form-urlencoded", "email=a%40example.com"),
        ("/api/auth/send-otp/", "multipart/form-data; boundary=x", "--x--"),
    ],
)
async def test_api_bodies_must_be_json(client: Any, path: str, content_type: str, body: str) -> None:
    response = await client.post(path, content=body, headers={"Content-Type": content_type})
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


async def test_control_characters_in_free_text_are_refused_not_stored(client: Any, accounts: Any) -> None:
    manager = await accounts("manager")
    for body in ({"name": "Launch\x00"}, {"name": "Launch", "description": "a\x00b"}):
        response = await client.post("/api/projects/", json=body, headers=manager.headers)
        assert response.status_code == 400, response.text
    listed = await client.get("/api/projects/", headers=manager.headers)
    assert listed.json()["items"] == []
