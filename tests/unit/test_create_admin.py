"""Making sure the first admin exists: idempotent, promoting, and as strict about passwords."""

from __future__ import annotations

import pytest

from application.accounts import NotAnAdmin, create_admin
from application.sessions import Login, login, refresh
from domain.errors import InvalidToken, WeakPassword
from domain.users import Role
from tests.fakes.helpers import CLIENT_ADDRESS, fake_store, seed_user
from tests.fakes.services import fake_identity

EMAIL = "grace@example.com"
PASSWORD = "Cobol-Compiler-1959"


async def test_create_admin_is_idempotent() -> None:
    deps = fake_identity()

    first, changed = await create_admin("Root@Example.com", PASSWORD, "Root", deps)
    again, changed_again = await create_admin("root@example.com", PASSWORD, "Root", deps)

    assert (changed, changed_again) == (True, False)
    assert again.id == first.id
    [stored] = fake_store(deps).users.values()
    assert stored.email == "root@example.com"
    assert stored.role is Role.ADMIN
    assert stored.password_hash == "fake$" + PASSWORD


async def test_create_admin_promotes_a_member_and_ends_their_sessions() -> None:
    deps = fake_identity()
    member = await seed_user(deps, EMAIL, "Old-Member-Secret")
    pair = await login(Login(EMAIL, "Old-Member-Secret", CLIENT_ADDRESS), deps)

    admin, changed = await create_admin(EMAIL, PASSWORD, "Ignored Name", deps, promote=True, reset_password=True)

    assert changed
    assert admin.id == member.id
    [stored] = fake_store(deps).users.values()
    assert stored.role is Role.ADMIN
    assert stored.password_hash == "fake$" + PASSWORD
    assert stored.full_name == "Ada Lovelace"
    with pytest.raises(InvalidToken):
        await refresh(pair.refresh, deps)


async def test_create_admin_refuses_a_members_account_unless_told_to_promote_it() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, "Old-Member-Secret")

    with pytest.raises(NotAnAdmin):
        await create_admin(EMAIL, PASSWORD, "Root", deps)

    [stored] = fake_store(deps).users.values()
    assert (stored.role, stored.password_hash) == (Role.MEMBER, "fake$Old-Member-Secret")


async def test_promoting_keeps_the_password_unless_told_to_reset_it() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, "Old-Member-Secret")

    _, changed = await create_admin(EMAIL, PASSWORD, "Root", deps, promote=True)

    assert changed
    [stored] = fake_store(deps).users.values()
    assert (stored.role, stored.password_hash) == (Role.ADMIN, "fake$Old-Member-Secret")
    _, changed_again = await create_admin(EMAIL, PASSWORD, "Root", deps, promote=True)
    assert not changed_again
    await create_admin(EMAIL, PASSWORD, "Root", deps, reset_password=True)
    [reset] = fake_store(deps).users.values()
    assert reset.password_hash == "fake$" + PASSWORD


async def test_create_admin_reactivates_a_deactivated_admin() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD, role=Role.ADMIN, is_active=False)

    _, changed = await create_admin(EMAIL, PASSWORD, "Root", deps)

    assert changed
    [stored] = fake_store(deps).users.values()
    assert stored.is_active


@pytest.mark.parametrize("password", ["short", "password1", "grace", "gracehopper"])
async def test_create_admin_refuses_weak_passwords(password: str) -> None:
    deps = fake_identity()

    with pytest.raises(WeakPassword):
        await create_admin("gracehopper@example.com", password, "Root", deps)

    assert fake_store(deps).users == {}
