"""Signing in: logging in, refreshing with rotation and replay detection, and the kinds of token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.identity import Identity
from application.limits import AttemptLimits
from application.sessions import Login, authenticate, login, logout, refresh
from domain.errors import AccountInactive, InvalidCredentials, InvalidToken, TokenReused, TooManyAttempts
from domain.sessions import TokenKind, TokenPair
from tests.fakes.helpers import CLIENT_ADDRESS, edit_user, fake_clock, fake_store, seed_user
from tests.fakes.services import FakePasswordHasher, fake_identity

EMAIL = "ada@example.com"
PASSWORD = "Analytical-Engine-1843"


async def signed_in(deps: Identity, email: str = EMAIL, address: str = CLIENT_ADDRESS) -> TokenPair:
    return await login(Login(email, PASSWORD, address), deps)


async def test_the_right_password_gives_a_working_pair() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)

    pair = await login(Login("  ADA@example.com", PASSWORD, CLIENT_ADDRESS), deps)

    assert pair.token_type == "Bearer"
    assert pair.expires_in == 15 * 60
    assert (await authenticate(pair.access, deps)).id == user.id
    [session] = fake_store(deps).sessions.values()
    assert session.user_id == user.id
    assert session.revoked_at is None


@pytest.mark.parametrize(("email", "password"), [(EMAIL, "Analytical-Engine-1842"), ("bob@example.com", PASSWORD)])
async def test_a_wrong_password_or_unknown_email_is_refused(email: str, password: str) -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)

    with pytest.raises(InvalidCredentials):
        await login(Login(email, password, CLIENT_ADDRESS), deps)

    assert fake_store(deps).sessions == {}


async def test_an_inactive_account_cannot_log_in() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD, is_active=False)

    with pytest.raises(AccountInactive):
        await signed_in(deps)

    assert fake_store(deps).sessions == {}


async def test_five_failures_in_a_minute_lock_that_address_out_of_the_account_for_that_minute() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await login(Login(EMAIL, "wrong-password", CLIENT_ADDRESS), deps)

    with pytest.raises(TooManyAttempts):
        await signed_in(deps)
    fake_clock(deps).advance(timedelta(minutes=1))
    assert await signed_in(deps)


async def test_a_stranger_cannot_lock_the_owner_out_from_their_own_address() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    for minute in range(4):  # the stranger's address hits its hourly limit for this account
        for _ in range(5):
            with pytest.raises(InvalidCredentials):
                await login(Login(EMAIL, "wrong-password", "203.0.113.66"), deps)
        fake_clock(deps).advance(timedelta(minutes=1, seconds=minute))
    with pytest.raises(TooManyAttempts):
        await login(Login(EMAIL, PASSWORD, "203.0.113.66"), deps)

    assert await signed_in(deps, address="198.51.100.9")


async def test_failures_from_many_addresses_reach_the_loose_limit_of_the_account() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    for n in range(100):
        with pytest.raises(InvalidCredentials):
            await login(Login(EMAIL, "wrong-password", f"203.0.113.{n}"), deps)

    with pytest.raises(TooManyAttempts):
        await signed_in(deps, address="198.51.100.9")


async def test_the_limits_are_settings() -> None:
    deps = replace(fake_identity(), limits=AttemptLimits(login_failures_per_account_address_minute=2))
    await seed_user(deps, EMAIL, PASSWORD)
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            await login(Login(EMAIL, "wrong-password", CLIENT_ADDRESS), deps)

    with pytest.raises(TooManyAttempts):
        await signed_in(deps)


@pytest.mark.parametrize("known", [True, False])
async def test_a_login_costs_one_verify_whether_or_not_the_email_is_known(known: bool) -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    hasher = deps.hasher
    assert isinstance(hasher, FakePasswordHasher)
    hasher.hashes = hasher.verifies = 0

    with pytest.raises(InvalidCredentials):
        await login(Login(EMAIL if known else "nobody@example.com", "wrong-password", CLIENT_ADDRESS), deps)

    assert (hasher.hashes, hasher.verifies) == (0, 1)


async def test_thirty_failures_in_a_minute_lock_the_client_address() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    for n in range(30):
        with pytest.raises(InvalidCredentials):
            await login(Login(f"nobody{n}@example.com", "wrong-password", CLIENT_ADDRESS), deps)

    with pytest.raises(TooManyAttempts):
        await signed_in(deps)
    assert await signed_in(deps, address="198.51.100.9")


async def test_an_outdated_hash_is_replaced_on_login() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, password_hash="old$" + PASSWORD)

    await signed_in(deps)

    assert fake_store(deps).users[user.id].password_hash == "fake$" + PASSWORD
    assert await signed_in(deps)


async def test_refresh_rotates_the_pair() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    first = await signed_in(deps)
    fake_clock(deps).advance(timedelta(minutes=5))

    second = await refresh(first.refresh, deps)
    third = await refresh(second.refresh, deps)

    assert len({first.access, second.access, third.access}) == 3
    assert len({first.refresh, second.refresh, third.refresh}) == 3
    assert (await authenticate(third.access, deps)).id == user.id
    sessions = fake_store(deps).sessions.values()
    assert len({s.family_id for s in sessions}) == 1
    assert [s.spent_at is None for s in sessions].count(True) == 1


async def test_a_replayed_refresh_token_ends_its_whole_family() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    stolen = await signed_in(deps)
    other_device = await signed_in(deps)
    rotated = await refresh(stolen.refresh, deps)

    with pytest.raises(TokenReused):
        await refresh(stolen.refresh, deps)

    with pytest.raises(InvalidToken):
        await refresh(rotated.refresh, deps)
    assert await refresh(other_device.refresh, deps)


async def test_a_refresh_token_lasts_seven_days() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    kept, lapsed = await signed_in(deps), await signed_in(deps)
    fake_clock(deps).advance(timedelta(days=7) - timedelta(seconds=1))
    assert await refresh(kept.refresh, deps)

    fake_clock(deps).advance(timedelta(seconds=1))
    with pytest.raises(InvalidToken):
        await refresh(lapsed.refresh, deps)


async def test_an_access_token_lasts_fifteen_minutes() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    pair = await signed_in(deps)
    fake_clock(deps).advance(timedelta(minutes=15) - timedelta(seconds=1))
    assert await authenticate(pair.access, deps)

    fake_clock(deps).advance(timedelta(seconds=1))
    with pytest.raises(InvalidToken):
        await authenticate(pair.access, deps)


async def test_a_deactivated_user_can_neither_authenticate_nor_refresh() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    pair = await signed_in(deps)

    await edit_user(deps, user.id, lambda u: u.deactivate())

    with pytest.raises(InvalidToken):
        await authenticate(pair.access, deps)
    with pytest.raises(InvalidToken):
        await refresh(pair.refresh, deps)


EXPECTS: dict[str, tuple[TokenKind, Callable[[str, Identity], Awaitable[object]]]] = {
    "authenticate": (TokenKind.ACCESS, authenticate),
    "refresh": (TokenKind.REFRESH, refresh),
    "logout": (TokenKind.REFRESH, logout),
}


@given(presented=st.sampled_from(TokenKind), use_case=st.sampled_from(sorted(EXPECTS)))
async def test_each_use_case_takes_only_its_kind_of_token(presented: TokenKind, use_case: str) -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    pair = await signed_in(deps)
    token = pair.access if presented is TokenKind.ACCESS else pair.refresh
    expected, call = EXPECTS[use_case]

    if presented is expected:
        await call(token, deps)
    else:
        with pytest.raises(InvalidToken):
            await call(token, deps)
        assert await authenticate(pair.access, deps)


async def test_a_replayed_refresh_token_also_ends_the_users_access_tokens() -> None:
    deps = fake_identity()
    await seed_user(deps)
    first = await login(Login("ada@example.com", "Analytical-Engine-1843", CLIENT_ADDRESS), deps)
    second = await refresh(first.refresh, deps)
    await authenticate(second.access, deps)

    with pytest.raises(TokenReused):
        await refresh(first.refresh, deps)

    with pytest.raises(InvalidToken):
        await authenticate(second.access, deps)
