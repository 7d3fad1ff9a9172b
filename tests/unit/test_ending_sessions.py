"""Logging out ends its own sign-in (or, asked to, every one); changing the password ends them all."""

from __future__ import annotations

import pytest

from application.accounts import ChangePassword, change_password
from application.identity import Identity
from application.sessions import Login, authenticate, login, logout, refresh
from domain.errors import InvalidCredentials, InvalidToken, TooManyAttempts, WeakPassword
from domain.sessions import TokenPair
from domain.users import User
from tests.fakes.helpers import CLIENT_ADDRESS, fake_store, seed_user
from tests.fakes.services import fake_identity

EMAIL = "ada@example.com"
PASSWORD = "Analytical-Engine-1843"
NEW_PASSWORD = "Difference-Engine-1822"


async def two_devices(deps: Identity) -> tuple[User, TokenPair, TokenPair]:
    user = await seed_user(deps, EMAIL, PASSWORD)
    laptop = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    phone = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    return user, laptop, phone


async def assert_ended(pair: TokenPair, deps: Identity) -> None:
    with pytest.raises(InvalidToken):
        await authenticate(pair.access, deps)
    with pytest.raises(InvalidToken):
        await refresh(pair.refresh, deps)


async def test_logout_ends_only_its_own_sign_in() -> None:
    deps = fake_identity()
    user, laptop, phone = await two_devices(deps)

    await logout(laptop.refresh, deps)

    await assert_ended(laptop, deps)
    assert (await authenticate(phone.access, deps)).id == user.id
    assert await refresh(phone.refresh, deps)
    store = fake_store(deps)
    assert [s.ended_at is None for s in sorted(store.sign_ins.values(), key=lambda s: s.created_at)] == [False, True]


async def test_logout_everywhere_ends_every_sign_in_of_the_user() -> None:
    deps = fake_identity()
    user, laptop, phone = await two_devices(deps)
    someone_else = await seed_user(deps, "bob@example.com", PASSWORD)
    bobs = await login(Login("bob@example.com", PASSWORD, CLIENT_ADDRESS), deps)

    await logout(laptop.refresh, deps, everywhere=True)

    await assert_ended(laptop, deps)
    await assert_ended(phone, deps)
    store = fake_store(deps)
    assert all(s.revoked_at is not None for s in store.sessions.values() if s.user_id == user.id)
    assert all(s.ended_at is not None for s in store.sign_ins.values() if s.user_id == user.id)
    assert (await authenticate(bobs.access, deps)).id == someone_else.id


async def test_logout_with_a_revoked_token_is_refused() -> None:
    deps = fake_identity()
    _, laptop, _ = await two_devices(deps)
    await logout(laptop.refresh, deps)

    with pytest.raises(InvalidToken):
        await logout(laptop.refresh, deps)


async def test_logging_in_again_after_logout_works() -> None:
    deps = fake_identity()
    user, laptop, _ = await two_devices(deps)
    await logout(laptop.refresh, deps)

    again = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)

    assert (await authenticate(again.access, deps)).id == user.id
    assert await refresh(again.refresh, deps)


async def test_change_password_ends_old_sessions_and_returns_a_working_pair() -> None:
    deps = fake_identity()
    user, laptop, phone = await two_devices(deps)

    fresh = await change_password(ChangePassword(user, PASSWORD, NEW_PASSWORD), deps)

    await assert_ended(laptop, deps)
    await assert_ended(phone, deps)
    assert (await authenticate(fresh.access, deps)).id == user.id
    rotated = await refresh(fresh.refresh, deps)
    assert (await authenticate(rotated.access, deps)).id == user.id
    assert fake_store(deps).users[user.id].password_hash == "fake$" + NEW_PASSWORD


async def test_after_a_change_only_the_new_password_logs_in() -> None:
    deps = fake_identity()
    user, _, _ = await two_devices(deps)
    await change_password(ChangePassword(user, PASSWORD, NEW_PASSWORD), deps)

    with pytest.raises(InvalidCredentials):
        await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    assert await login(Login(EMAIL, NEW_PASSWORD, CLIENT_ADDRESS), deps)


async def test_a_wrong_current_password_changes_nothing() -> None:
    deps = fake_identity()
    user, laptop, _ = await two_devices(deps)

    with pytest.raises(InvalidCredentials):
        await change_password(ChangePassword(user, "not-my-password", NEW_PASSWORD), deps)

    assert fake_store(deps).users[user.id].password_hash == "fake$" + PASSWORD
    assert await authenticate(laptop.access, deps)


@pytest.mark.parametrize("new_password", ["short", "qwerty123", "ada@example.com", "x" * 129])
async def test_a_weak_new_password_changes_nothing(new_password: str) -> None:
    deps = fake_identity()
    user, laptop, _ = await two_devices(deps)

    with pytest.raises(WeakPassword):
        await change_password(ChangePassword(user, PASSWORD, new_password), deps)

    assert fake_store(deps).users[user.id].password_hash == "fake$" + PASSWORD
    assert await authenticate(laptop.access, deps)


async def test_five_wrong_current_passwords_lock_the_change() -> None:
    deps = fake_identity()
    user, _, _ = await two_devices(deps)
    for _ in range(5):
        with pytest.raises(InvalidCredentials):
            await change_password(ChangePassword(user, "not-my-password", NEW_PASSWORD), deps)

    with pytest.raises(TooManyAttempts):
        await change_password(ChangePassword(user, PASSWORD, NEW_PASSWORD), deps)

    assert fake_store(deps).users[user.id].password_hash == "fake$" + PASSWORD
