"""Registering with an email token: which tokens and which passwords an account may be made with."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.accounts import Register, register
from domain.errors import EmailTaken, EmailTokenInvalid, WeakPassword
from domain.users import Role
from tests.fakes.helpers import email_token_for, fake_clock, fake_store, seed_user
from tests.fakes.services import fake_identity

EMAIL = "grace@example.com"
PASSWORD = "Cobol-Compiler-1959"


async def test_an_email_token_registers_that_email() -> None:
    deps = fake_identity()
    token = await email_token_for(deps, EMAIL)

    user = await register(Register(token, PASSWORD, "  Grace   Hopper "), deps)

    [stored] = fake_store(deps).users.values()
    assert stored.id == user.id
    assert stored.email == EMAIL
    assert stored.full_name == "Grace Hopper"
    assert stored.role is Role.MEMBER
    assert stored.is_active
    assert stored.password_hash == "fake$" + PASSWORD
    [email_token] = fake_store(deps).email_tokens.values()
    assert email_token.used_at == fake_clock(deps).now()


async def test_the_token_is_bound_to_its_email() -> None:
    deps = fake_identity()
    graces = await email_token_for(deps, EMAIL)
    alans = await email_token_for(deps, "alan@example.com")

    user = await register(Register(alans, PASSWORD, "Alan Turing"), deps)

    assert user.email == "alan@example.com"
    assert [u.email for u in fake_store(deps).users.values()] == ["alan@example.com"]
    assert graces != alans


async def test_the_token_is_good_once() -> None:
    deps = fake_identity()
    token = await email_token_for(deps, EMAIL)
    await register(Register(token, PASSWORD, "Grace Hopper"), deps)

    with pytest.raises(EmailTokenInvalid):
        await register(Register(token, "Another-Secret-42", "Grace Again"), deps)

    assert len(fake_store(deps).users) == 1


async def test_an_unknown_token_is_refused() -> None:
    deps = fake_identity()
    await email_token_for(deps, EMAIL)

    with pytest.raises(EmailTokenInvalid):
        await register(Register("made-up-token", PASSWORD, "Grace Hopper"), deps)

    assert fake_store(deps).users == {}


@pytest.mark.parametrize(("elapsed", "accepted"), [(14 * 60 + 59, True), (15 * 60, False), (3600, False)])
async def test_the_token_lasts_fifteen_minutes(elapsed: int, accepted: bool) -> None:
    deps = fake_identity()
    token = await email_token_for(deps, EMAIL)
    fake_clock(deps).advance(timedelta(seconds=elapsed))

    if accepted:
        await register(Register(token, PASSWORD, "Grace Hopper"), deps)
    else:
        with pytest.raises(EmailTokenInvalid):
            await register(Register(token, PASSWORD, "Grace Hopper"), deps)

    assert len(fake_store(deps).users) == (1 if accepted else 0)


# Three distinct leading characters keep the text clear of the common list and the email.
uncommon_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=200, max_size=200).map(lambda t: "Tq9" + t)


@given(length=st.integers(min_value=0, max_value=200), text=uncommon_text)
async def test_passwords_of_8_to_128_characters_are_accepted(length: int, text: str) -> None:
    deps = fake_identity()
    token = await email_token_for(deps, EMAIL)
    password = text[:length]

    if 8 <= length <= 128:
        await register(Register(token, password, "Grace Hopper"), deps)
        assert len(fake_store(deps).users) == 1
    else:
        with pytest.raises(WeakPassword):
            await register(Register(token, password, "Grace Hopper"), deps)
        assert fake_store(deps).users == {}


@pytest.mark.parametrize(
    ("email", "password"),
    [
        (EMAIL, "password1"),
        (EMAIL, "qwerty123"),
        (EMAIL, "PassWord1"),
        (EMAIL, "QWERTY123"),
        (EMAIL, "aaaabbbb"),
        (EMAIL, "Grace@Example.com"),
        ("gracehopper@example.com", "gracehopper"),
        ("gracehopper@example.com", "GraceHopper"),
    ],
)
async def test_common_or_guessable_passwords_are_refused(email: str, password: str) -> None:
    deps = fake_identity()
    token = await email_token_for(deps, email)

    with pytest.raises(WeakPassword):
        await register(Register(token, password, "Grace Hopper"), deps)

    assert fake_store(deps).users == {}


async def test_a_refused_registration_leaves_the_token_unspent() -> None:
    deps = fake_identity()
    token = await email_token_for(deps, EMAIL)
    with pytest.raises(WeakPassword):
        await register(Register(token, "password1", "Grace Hopper"), deps)

    user = await register(Register(token, PASSWORD, "Grace Hopper"), deps)

    assert user.email == EMAIL


async def test_manager_registration_gives_the_manager_role() -> None:
    deps = fake_identity()
    token = await email_token_for(deps, EMAIL)

    await register(Register(token, PASSWORD, "Grace Hopper", role=Role.MANAGER), deps)

    [stored] = fake_store(deps).users.values()
    assert stored.role is Role.MANAGER


async def test_nobody_registers_as_admin() -> None:
    deps = fake_identity()
    token = await email_token_for(deps, EMAIL)

    with pytest.raises(EmailTokenInvalid):
        await register(Register(token, PASSWORD, "Grace Hopper", role=Role.ADMIN), deps)

    assert fake_store(deps).users == {}


async def test_an_email_with_an_account_cannot_register_again() -> None:
    deps = fake_identity()
    token = await email_token_for(deps, EMAIL)
    await seed_user(deps, EMAIL)

    with pytest.raises(EmailTaken):
        await register(Register(token, PASSWORD, "Grace Hopper"), deps)

    assert len(fake_store(deps).users) == 1
