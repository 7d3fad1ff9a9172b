"""Every malformed, forged or misused token is refused with 401 problem details, end to end over HTTP."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import uuid4

import jwt
import pytest
from litestar.testing import AsyncTestClient

from application.accounts import create_admin
from application.sessions import issue_new_session
from domain.users import Role, User
from entrypoints.bootstrap import Container
from tests.integration.conftest import SECRET

AUTH = "/api/auth"
PASSWORD = "correct horse battery"
OTHER_KEY = "another-secret-key-that-is-long-enough-0123456789"
Claims = dict[str, Any]

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")  # HS512 forgeries


@dataclass
class Account:
    access: str
    refresh: str

    def claims(self, kind: str = "access", **changes: Any) -> Claims:
        """The real token's claims (so the only defect is the one a test adds); None drops a claim."""
        token = self.access if kind == "access" else self.refresh
        claims: Claims = jwt.decode(token, options={"verify_signature": False})
        claims.update(changes)
        return {name: value for name, value in claims.items() if value is not None}


@pytest.fixture
async def account(client: AsyncTestClient[Any], container: Container) -> Account:
    """A real session from the real codec and database; skips argon2, which login tests cover elsewhere."""
    deps = container.identity
    user = User("ada@example.com", "Ada Lovelace", Role.MEMBER, "not-a-usable-hash", deps.clock.now())
    async with deps.uow() as uow:
        await uow.users.add(user)
        pair = await issue_new_session(uow, user, deps)
        await uow.commit()
    return Account(pair.access, pair.refresh)


def sign(claims: Claims, *, typ: str = "at+jwt", key: str = SECRET, alg: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=alg, headers={"typ": typ})


def b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def tamper_signature(token: str) -> str:
    head, payload, signature = token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    return f"{head}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"


def tamper_payload(token: str, **changes: Any) -> str:
    head, _, signature = token.split(".")
    claims = jwt.decode(token, options={"verify_signature": False}) | changes
    return f"{head}.{b64(claims)}.{signature}"


def unsigned(claims: Claims, typ: str) -> str:
    return f"{b64({'alg': 'none', 'typ': typ})}.{b64(claims)}."


def now() -> int:
    return int(time.time())


Forge = Callable[[Account], str]

BAD_ACCESS: dict[str, Forge] = {
    "expired": lambda a: sign(a.claims(iat=now() - 3600, exp=now() - 1)),
    "tampered-signature": lambda a: tamper_signature(a.access),
    "tampered-payload": lambda a: tamper_payload(a.access, exp=now() + 86400),
    "wrong-audience": lambda a: sign(a.claims(aud="someone-else")),
    "wrong-issuer": lambda a: sign(a.claims(iss="evil")),
    "refresh-as-access": lambda a: a.refresh,
    "access-claims-with-refresh-typ": lambda a: sign(a.claims(), typ="rt+jwt"),
    "generic-jwt-typ": lambda a: sign(a.claims(), typ="JWT"),
    "alg-none": lambda a: jwt.encode(a.claims(), None, algorithm="none", headers={"typ": "at+jwt"}),
    "alg-none-handmade": lambda a: unsigned(a.claims(), "at+jwt"),
    "hs512-same-secret": lambda a: sign(a.claims(), alg="HS512"),
    "hs256-other-key": lambda a: sign(a.claims(), key=OTHER_KEY),
    "missing-jti": lambda a: sign(a.claims(jti=None)),
    "missing-exp": lambda a: sign(a.claims(exp=None)),
    "missing-iat": lambda a: sign(a.claims(iat=None)),
    "missing-aud": lambda a: sign(a.claims(aud=None)),
    "issued-in-the-future": lambda a: sign(a.claims(iat=now() + 3600)),
    "not-yet-valid": lambda a: sign(a.claims(nbf=now() + 3600)),
    "unknown-user": lambda a: sign(a.claims(sub=str(uuid4()))),
    "subject-not-a-uuid": lambda a: sign(a.claims(sub="1")),
    "stale-session-version": lambda a: sign(a.claims(ver=1)),
    "garbage": lambda a: "garbage",
    "three-garbage-segments": lambda a: "a.b.c",
    "too-long": lambda a: sign(a.claims(pad="x" * 5000)),
}

BAD_REFRESH: dict[str, Forge] = {
    "access-as-refresh": lambda a: a.access,
    "expired": lambda a: sign(a.claims("refresh", exp=now() - 1), typ="rt+jwt"),
    "tampered-signature": lambda a: tamper_signature(a.refresh),
    "wrong-audience": lambda a: sign(a.claims("refresh", aud="someone-else"), typ="rt+jwt"),
    "wrong-issuer": lambda a: sign(a.claims("refresh", iss="evil"), typ="rt+jwt"),
    "alg-none": lambda a: unsigned(a.claims("refresh"), "rt+jwt"),
    "hs512-same-secret": lambda a: sign(a.claims("refresh"), typ="rt+jwt", alg="HS512"),
    "hs256-other-key": lambda a: sign(a.claims("refresh"), typ="rt+jwt", key=OTHER_KEY),
    "unknown-session": lambda a: sign(a.claims("refresh", jti=str(uuid4())), typ="rt+jwt"),
    "other-users-session": lambda a: sign(a.claims("refresh", sub=str(uuid4())), typ="rt+jwt"),
    "garbage": lambda a: "garbage",
}


def assert_unauthenticated(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert body["status"] == 401
    assert body["code"] == "invalid_token", body


async def me(client: AsyncTestClient[Any], token: str) -> Any:
    return await client.get(f"{AUTH}/me/", headers={"Authorization": f"Bearer {token}"})


async def test_login_tokens_and_re_signed_claims_are_accepted(
    client: AsyncTestClient[Any], container: Container
) -> None:
    """The control: forging starts from the real claims, so each refusal below is due to its one defect."""
    await create_admin("root@example.com", PASSWORD, "Root", container.identity)
    response = await client.post(f"{AUTH}/login/", json={"email": "root@example.com", "password": PASSWORD})
    assert response.status_code == 200, response.text
    account = Account(response.json()["access"], response.json()["refresh"])
    assert (await me(client, account.access)).status_code == 200
    response = await me(client, sign(account.claims()))
    assert response.status_code == 200, response.text
    assert response.json()["email"] == "root@example.com"
    re_signed = sign(account.claims("refresh"), typ="rt+jwt")
    response = await client.post(f"{AUTH}/token/refresh/", json={"refresh": re_signed})
    assert response.status_code == 200, response.text
    assert (await me(client, response.json()["access"])).status_code == 200


@pytest.mark.parametrize("forge", BAD_ACCESS.values(), ids=BAD_ACCESS.keys())
async def test_bad_access_token_is_refused(client: AsyncTestClient[Any], account: Account, forge: Forge) -> None:
    assert_unauthenticated(await me(client, forge(account)))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": ""},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer   "},
        {"Authorization": "Basic YTpi"},
    ],
    ids=["missing", "empty", "scheme-only", "blank-token", "basic-scheme"],
)
async def test_missing_or_malformed_authorization_header_is_refused(
    client: AsyncTestClient[Any], headers: dict[str, str]
) -> None:
    assert_unauthenticated(await client.get(f"{AUTH}/me/", headers=headers))


async def test_access_token_sent_under_another_scheme_is_refused(
    client: AsyncTestClient[Any], account: Account
) -> None:
    assert_unauthenticated(await client.get(f"{AUTH}/me/", headers={"Authorization": f"Token {account.access}"}))


@pytest.mark.parametrize("forge", BAD_REFRESH.values(), ids=BAD_REFRESH.keys())
async def test_bad_refresh_token_is_refused_and_spends_nothing(
    client: AsyncTestClient[Any], account: Account, forge: Forge
) -> None:
    assert_unauthenticated(await client.post(f"{AUTH}/token/refresh/", json={"refresh": forge(account)}))
    response = await client.post(f"{AUTH}/token/refresh/", json={"refresh": account.refresh})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("forge", BAD_REFRESH.values(), ids=BAD_REFRESH.keys())
async def test_bad_refresh_token_cannot_log_out(client: AsyncTestClient[Any], account: Account, forge: Forge) -> None:
    assert_unauthenticated(await client.post(f"{AUTH}/logout/", json={"refresh": forge(account)}))
    assert (await me(client, account.access)).status_code == 200
