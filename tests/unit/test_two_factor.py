"""Two-factor sign-in: set up, turn on, codes work once, recovery codes once, limits, ending other sessions."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

import pytest

from application import two_factor
from application.identity import Identity
from application.sessions import Login, SecondStep, authenticate, login, login_second_step
from domain.errors import (
    InvalidCredentials,
    InvalidToken,
    PermissionDenied,
    TooManyAttempts,
    TwoFactorCodeInvalid,
    TwoFactorRequired,
    TwoFactorState,
)
from domain.sessions import TokenKind, TokenPair
from domain.two_factor import normalize_recovery_code
from domain.users import Role, User
from tests.fakes.helpers import CLIENT_ADDRESS, fake_clock, fake_store, seed_user
from tests.fakes.services import fake_identity
from tests.fakes.sign_ins import FakeAuthenticator

EMAIL = "ada@example.com"
PASSWORD = "Analytical-Engine-1843"


def code_now(deps: Identity, user: User, offset: int = 0) -> str:
    secret = fake_store(deps).users[user.id].totp_secret or fake_store(deps).users[user.id].totp_pending_secret
    assert secret is not None
    return FakeAuthenticator.code_at(secret, deps.clock.now(), offset)


def sid(deps: Identity, pair: TokenPair) -> UUID | None:
    return deps.tokens.decode(pair.access, TokenKind.ACCESS).family_id


async def with_two_factor(deps: Identity) -> tuple[User, TokenPair, list[str]]:
    user = await seed_user(deps, EMAIL, PASSWORD)
    here = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    shown = await two_factor.set_up(user, deps)
    assert shown.uri.startswith("otpauth://")
    assert "<svg" in shown.qr_svg
    codes = await two_factor.enable(user, code_now(deps, user), sid(deps, here), deps)
    fake_clock(deps).advance(timedelta(seconds=30))
    return user, here, codes


async def test_enabling_answers_ten_recovery_codes_stored_only_as_digests() -> None:
    deps = fake_identity()
    user, _, codes = await with_two_factor(deps)
    store = fake_store(deps)
    assert len(codes) == len(set(codes)) == 10
    stored = {c.code_digest for c in store.recovery_codes.values() if c.user_id == user.id}
    assert stored == {deps.digest(c) for c in codes}
    assert store.users[user.id].totp_enabled
    assert store.users[user.id].totp_pending_secret is None
    assert store.users[user.id].totp_secret.startswith("sealed:")  # type: ignore[union-attr]


async def test_enabling_needs_a_code_from_the_set_up_secret() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    with pytest.raises(TwoFactorState):
        await two_factor.enable(user, "123456", None, deps)
    await two_factor.set_up(user, deps)
    with pytest.raises(TwoFactorCodeInvalid):
        await two_factor.enable(user, "000000" if code_now(deps, user) != "000000" else "111111", None, deps)
    assert not fake_store(deps).users[user.id].totp_enabled


async def test_enabling_ends_the_other_sessions_only() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    other = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    here = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    await two_factor.set_up(user, deps)
    await two_factor.enable(user, code_now(deps, user), sid(deps, here), deps)
    assert (await authenticate(here.access, deps)).id == user.id
    with pytest.raises(InvalidToken):
        await authenticate(other.access, deps)


async def test_login_asks_for_the_code_then_takes_it_once() -> None:
    deps = fake_identity()
    user, _, _ = await with_two_factor(deps)
    with pytest.raises(TwoFactorRequired) as missing:
        await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    assert missing.value.user_id == user.id
    code = code_now(deps, user)
    assert await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, code), deps)
    with pytest.raises(TwoFactorRequired):  # the same code again, within its window: a replay
        await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, code), deps)
    with pytest.raises(TwoFactorRequired):  # an earlier step is no better
        await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, code_now(deps, user, -1)), deps)
    fake_clock(deps).advance(timedelta(seconds=30))
    assert await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, code_now(deps, user)), deps)


async def test_a_wrong_password_with_a_right_code_is_still_wrong() -> None:
    deps = fake_identity()
    user, _, _ = await with_two_factor(deps)
    with pytest.raises(InvalidCredentials):
        await login(Login(EMAIL, "not-the-password", CLIENT_ADDRESS, code_now(deps, user)), deps)


async def test_a_recovery_code_works_once() -> None:
    deps = fake_identity()
    user, _, codes = await with_two_factor(deps)
    assert await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, codes[0].upper()), deps)
    with pytest.raises(TwoFactorRequired):
        await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, codes[0]), deps)
    assert await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, codes[1].replace("-", "")), deps)
    left = [c for c in fake_store(deps).recovery_codes.values() if c.user_id == user.id and c.used_at is None]
    assert len(left) == 8


async def test_code_attempts_are_limited_like_passwords() -> None:
    deps = fake_identity()
    user, _, _ = await with_two_factor(deps)
    wrong = "000000" if code_now(deps, user) != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(TwoFactorRequired):
            await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, wrong), deps)
    with pytest.raises(TooManyAttempts):
        await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, code_now(deps, user)), deps)


async def test_the_page_second_step_takes_a_code_once() -> None:
    deps = fake_identity()
    user, _, _ = await with_two_factor(deps)
    code = code_now(deps, user)
    assert await login_second_step(SecondStep(user.id, code, CLIENT_ADDRESS), deps)
    with pytest.raises(TwoFactorRequired):
        await login_second_step(SecondStep(user.id, code, CLIENT_ADDRESS), deps)


async def test_disabling_takes_a_code_or_a_recovery_code_with_the_password() -> None:
    deps = fake_identity()
    user, here, codes = await with_two_factor(deps)
    with pytest.raises(InvalidCredentials):
        await two_factor.disable(user, codes[0], None, sid(deps, here), deps)
    await two_factor.disable(user, codes[0], PASSWORD, sid(deps, here), deps)
    store = fake_store(deps)
    assert not store.users[user.id].totp_enabled
    assert not [c for c in store.recovery_codes.values() if c.user_id == user.id]
    assert await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    assert (await authenticate(here.access, deps)).id == user.id


async def test_an_admin_resets_two_factor_and_it_is_audited() -> None:
    deps = fake_identity()
    user, here, _ = await with_two_factor(deps)
    admin = await seed_user(deps, "root@example.com", PASSWORD, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        await two_factor.reset_by_admin(user, user.id, deps)
    await two_factor.reset_by_admin(admin, user.id, deps)
    assert not fake_store(deps).users[user.id].totp_enabled
    with pytest.raises(InvalidToken):
        await authenticate(here.access, deps)
    entries = [(a.action, a.actor_id) for a in fake_store(deps).audit.values()]
    assert ("account.two_factor_reset", admin.id) in entries


def test_recovery_codes_are_read_forgivingly() -> None:
    assert normalize_recovery_code(" ABCDE-fghjk ") == "abcde-fghjk"
    assert normalize_recovery_code("abcdefghjk") == "abcde-fghjk"
    assert normalize_recovery_code("abc") is None
    assert normalize_recovery_code("123456") is None
