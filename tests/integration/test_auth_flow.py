"""The whole sign-up and sign-in journey over HTTP, on SQLite and PostgreSQL, with real SMTP delivery."""

from __future__ import annotations

import re
from email.message import Message
from typing import Any

from litestar.testing import AsyncTestClient

from application.accounts import create_admin
from entrypoints.bootstrap import Container
from tests.integration.conftest import SmtpInbox, text_part

AUTH = "/api/auth"
PASSWORD = "correct horse battery"
NEW_PASSWORD = "another staple 42"
CODE = re.compile(r"(?<![\w#])(\d{6})(?!\w)")


def html_part(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode()
    raise AssertionError("no text/html part")


def code_in(message: Message) -> str:
    found = CODE.findall(text_part(message))
    assert len(set(found)) == 1, f"expected one 6-digit code in {text_part(message)!r}"
    return found[0]


def bearer(access: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {access}"}


def assert_problem(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert isinstance(body.get("code"), str)
    if code is not None:
        assert body["code"] == code, body
    return body


async def otp_for(client: AsyncTestClient[Any], smtp: SmtpInbox, email: str) -> str:
    response = await client.post(f"{AUTH}/send-otp/", json={"email": email})
    assert response.status_code == 202, response.text
    return code_in(await smtp.wait_for(email))


async def email_token_for(client: AsyncTestClient[Any], smtp: SmtpInbox, email: str) -> str:
    code = await otp_for(client, smtp, email)
    response = await client.post(f"{AUTH}/verify-otp/", json={"email": email, "otp": code})
    assert response.status_code == 200, response.text
    token = response.json()["email_token"]
    assert isinstance(token, str)
    assert len(token) >= 32
    return token


async def login(client: AsyncTestClient[Any], email: str, password: str) -> dict[str, Any]:
    response = await client.post(f"{AUTH}/login/", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    pair: dict[str, Any] = response.json()
    assert set(pair) == {"access", "refresh", "token_type", "expires_in"}
    assert pair["token_type"] == "Bearer"
    assert pair["expires_in"] > 0
    return pair


async def test_the_whole_journey(client: AsyncTestClient[Any], smtp: SmtpInbox) -> None:
    email = "Ada.Lovelace@Example.com"
    address = email.lower()

    response = await client.post(f"{AUTH}/send-otp/", json={"email": email})
    assert response.status_code == 202
    message = await smtp.wait_for(address)
    assert message.is_multipart()
    types = {part.get_content_type() for part in message.walk()}
    assert {"text/plain", "text/html"} <= types
    code = code_in(message)
    assert code in html_part(message)
    assert code in message["Subject"]

    response = await client.post(f"{AUTH}/verify-otp/", json={"email": email, "otp": code})
    assert response.status_code == 200, response.text
    email_token = response.json()["email_token"]

    response = await client.post(
        f"{AUTH}/register/", json={"email_token": email_token, "password": PASSWORD, "full_name": "  Ada   Lovelace "}
    )
    assert response.status_code == 201, response.text
    user = response.json()
    assert user["email"] == address
    assert user["full_name"] == "Ada Lovelace"
    assert user["role"] == "member"
    assert user["is_active"] is True
    assert user["time_zone"] == "UTC"

    pair = await login(client, email, PASSWORD)
    response = await client.get(f"{AUTH}/me/", headers=bearer(pair["access"]))
    assert response.status_code == 200, response.text
    assert response.json() == user

    # Rotation: a new pair; the spent token is refused and its replay ends the whole family.
    response = await client.post(f"{AUTH}/token/refresh/", json={"refresh": pair["refresh"]})
    assert response.status_code == 200, response.text
    rotated = response.json()
    assert rotated["refresh"] != pair["refresh"]
    assert rotated["access"] != pair["access"]
    assert (await client.get(f"{AUTH}/me/", headers=bearer(rotated["access"]))).status_code == 200
    replay = await client.post(f"{AUTH}/token/refresh/", json={"refresh": pair["refresh"]})
    assert_problem(replay, 401, "token_reused")
    after_replay = await client.post(f"{AUTH}/token/refresh/", json={"refresh": rotated["refresh"]})
    assert_problem(after_replay, 401)

    # Logout ends every session: refresh and access tokens stop working.
    pair = await login(client, email, PASSWORD)
    response = await client.post(f"{AUTH}/logout/", json={"refresh": pair["refresh"]})
    assert response.status_code == 204, response.text
    assert response.content == b""
    assert_problem(await client.post(f"{AUTH}/token/refresh/", json={"refresh": pair["refresh"]}), 401)
    me = await client.get(f"{AUTH}/me/", headers=bearer(pair["access"]))
    assert_problem(me, 401)
    assert me.headers["www-authenticate"].startswith("Bearer")

    # Password change hands back a working pair and retires the old password and tokens.
    pair = await login(client, email, PASSWORD)
    response = await client.post(
        f"{AUTH}/password/change/",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=bearer(pair["access"]),
    )
    assert response.status_code == 200, response.text
    fresh = response.json()
    assert (await client.get(f"{AUTH}/me/", headers=bearer(fresh["access"]))).status_code == 200
    assert (await client.post(f"{AUTH}/token/refresh/", json={"refresh": fresh["refresh"]})).status_code == 200
    assert_problem(await client.get(f"{AUTH}/me/", headers=bearer(pair["access"])), 401)
    assert_problem(await client.post(f"{AUTH}/token/refresh/", json={"refresh": pair["refresh"]}), 401)
    old = await client.post(f"{AUTH}/login/", json={"email": email, "password": PASSWORD})
    assert_problem(old, 401, "invalid_credentials")
    await login(client, email, NEW_PASSWORD)


async def test_register_manager_gives_the_manager_role(client: AsyncTestClient[Any], smtp: SmtpInbox) -> None:
    token = await email_token_for(client, smtp, "grace@example.com")
    response = await client.post(
        f"{AUTH}/register/manager/", json={"email_token": token, "password": PASSWORD, "full_name": "Grace Hopper"}
    )
    assert response.status_code == 201, response.text
    assert response.json()["role"] == "manager"
    pair = await login(client, "grace@example.com", PASSWORD)
    me = await client.get(f"{AUTH}/me/", headers=bearer(pair["access"]))
    assert me.json()["role"] == "manager"


async def test_send_otp_answers_alike_for_a_known_address(
    client: AsyncTestClient[Any], smtp: SmtpInbox, container: Container
) -> None:
    await create_admin("known@example.com", PASSWORD, "Known Person", container.identity)

    known = await client.post(f"{AUTH}/send-otp/", json={"email": "known@example.com"})
    unknown = await client.post(f"{AUTH}/send-otp/", json={"email": "unknown@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.content == unknown.content
    assert known.headers["content-type"] == unknown.headers["content-type"]

    notice = await smtp.wait_for("known@example.com")
    assert "already have" in notice["Subject"]
    assert "already has an account" in text_part(notice)
    assert CODE.findall(text_part(notice)) == []
    assert CODE.findall(html_part(notice)) == []
    assert CODE.findall(notice["Subject"]) == []
    code_in(await smtp.wait_for("unknown@example.com"))

    # No code was issued for the known address, so nothing can verify it.
    for guess in ("000000", "123456"):
        response = await client.post(f"{AUTH}/verify-otp/", json={"email": "known@example.com", "otp": guess})
        assert_problem(response, 400, "otp_invalid")


async def test_the_email_token_is_single_use(client: AsyncTestClient[Any], smtp: SmtpInbox) -> None:
    token = await email_token_for(client, smtp, "once@example.com")
    body = {"email_token": token, "password": PASSWORD, "full_name": "Once Only"}
    assert (await client.post(f"{AUTH}/register/", json=body)).status_code == 201
    assert_problem(await client.post(f"{AUTH}/register/", json=body), 400, "email_token_invalid")
    assert_problem(await client.post(f"{AUTH}/register/manager/", json=body), 400, "email_token_invalid")
    forged = {**body, "email_token": token[:-2] + ("AA" if not token.endswith("AA") else "BB")}
    assert_problem(await client.post(f"{AUTH}/register/", json=forged), 400, "email_token_invalid")


async def test_the_otp_is_single_use(client: AsyncTestClient[Any], smtp: SmtpInbox) -> None:
    code = await otp_for(client, smtp, "twice@example.com")
    body = {"email": "twice@example.com", "otp": code}
    assert (await client.post(f"{AUTH}/verify-otp/", json=body)).status_code == 200
    assert_problem(await client.post(f"{AUTH}/verify-otp/", json=body), 400, "otp_invalid")


async def test_five_wrong_codes_burn_the_otp(client: AsyncTestClient[Any], smtp: SmtpInbox) -> None:
    email = "guesser@example.com"
    code = await otp_for(client, smtp, email)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(5):
        response = await client.post(f"{AUTH}/verify-otp/", json={"email": email, "otp": wrong})
        body = assert_problem(response, 400, "otp_invalid")
        assert code not in str(body)
    response = await client.post(f"{AUTH}/verify-otp/", json={"email": email, "otp": code})
    assert_problem(response, 400, "otp_invalid")


async def test_four_wrong_codes_still_leave_the_right_one(client: AsyncTestClient[Any], smtp: SmtpInbox) -> None:
    email = "almost@example.com"
    code = await otp_for(client, smtp, email)
    wrong = f"{(int(code) + 7) % 1_000_000:06d}"
    for _ in range(4):
        assert_problem(await client.post(f"{AUTH}/verify-otp/", json={"email": email, "otp": wrong}), 400)
    response = await client.post(f"{AUTH}/verify-otp/", json={"email": email, "otp": code})
    assert response.status_code == 200, response.text
