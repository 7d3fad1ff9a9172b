"""A person's own account: sign-ins listed and ended, profile, email change, password reset, closing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from application import password_reset, profile, sign_ins
from application.paging import PageRequest
from application.sessions import Login, authenticate, login, refresh
from domain.errors import (
    EmailTaken,
    InvalidCredentials,
    InvalidInput,
    InvalidToken,
    OtpInvalid,
    ResetTokenInvalid,
    SignInNotFound,
)
from domain.sessions import TokenKind
from domain.sign_ins import TOUCH_EVERY, Client, SignIn, SignInKind
from domain.users import check_time_zone
from tests.fakes.helpers import CLIENT_ADDRESS, fake_clock, fake_mailer, fake_store, seed_user
from tests.fakes.services import fake_identity

EMAIL = "ada@example.com"
PASSWORD = "Analytical-Engine-1843"


async def test_sign_ins_are_listed_with_the_current_one_marked_and_end_one_by_one() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    laptop = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS, user_agent="Firefox"), deps)
    fake_clock(deps).advance(timedelta(minutes=1))
    phone = await login(Login(EMAIL, PASSWORD, "198.51.100.2", user_agent="Phone"), deps)
    here = deps.tokens.decode(phone.access, TokenKind.ACCESS).family_id

    listed = (await sign_ins.list_sign_ins(user, here, PageRequest(), deps.uow)).items
    assert [(s.user_agent, s.client_address, s.current) for s in listed] == [
        ("Phone", "198.51.100.2", True),
        ("Firefox", CLIENT_ADDRESS, False),
    ]
    await sign_ins.end_my_sign_in(user, listed[1].id, deps.uow, deps.clock, deps.signed_in)
    with pytest.raises(InvalidToken):
        await authenticate(laptop.access, deps)
    with pytest.raises(InvalidToken):
        await refresh(laptop.refresh, deps)
    assert (await authenticate(phone.access, deps)).id == user.id


async def test_someone_elses_sign_in_is_not_found() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    other = await seed_user(deps, "bob@example.com", PASSWORD)
    pair = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    mine = deps.tokens.decode(pair.access, TokenKind.ACCESS).family_id
    assert mine is not None
    with pytest.raises(SignInNotFound):
        await sign_ins.end_my_sign_in(other, mine, deps.uow, deps.clock, deps.signed_in)
    assert (await authenticate(pair.access, deps)).id == user.id


async def test_last_use_is_written_at_most_every_few_minutes() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    pair = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    started = deps.clock.now()
    fake_clock(deps).advance(TOUCH_EVERY / 2)
    await authenticate(pair.access, deps)
    (stored,) = fake_store(deps).sign_ins.values()
    assert stored.last_used_at == started
    fake_clock(deps).advance(TOUCH_EVERY)
    await authenticate(pair.access, deps)
    (stored,) = fake_store(deps).sign_ins.values()
    assert stored.last_used_at == deps.clock.now()


def test_a_sign_in_keeps_only_so_much_of_what_the_client_said() -> None:
    started = SignIn.start(uuid4(), SignInKind.API, Client("x" * 100, "y" * 1000), datetime.now(UTC))
    assert (len(started.client_address), len(started.user_agent)) == (64, 256)


async def test_the_profile_takes_a_name_and_a_real_time_zone() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    changed = await profile.update_profile(profile.UpdateProfile(user, "  Ada   King ", "Asia/Kolkata"), deps)
    assert (changed.full_name, changed.time_zone) == ("Ada King", "Asia/Kolkata")
    for bad in ("Mars/Olympus", "", "../../etc/passwd", "America"):
        with pytest.raises(InvalidInput):
            await profile.update_profile(profile.UpdateProfile(user, None, bad), deps)
    assert fake_store(deps).users[user.id].time_zone == "Asia/Kolkata"
    assert check_time_zone(" Europe/Paris ") == "Europe/Paris"


async def test_an_email_change_needs_the_password_and_the_code_from_the_new_address() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    other = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    here = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    await seed_user(deps, "taken@example.com", PASSWORD)
    with pytest.raises(InvalidCredentials):
        await profile.request_email_change(user, "new@example.com", "wrong-password", deps)
    with pytest.raises(EmailTaken):
        await profile.request_email_change(user, "taken@example.com", PASSWORD, deps)
    await profile.request_email_change(user, "New@Example.com", PASSWORD, deps)
    code = str(fake_mailer(deps).last_to("new@example.com").context["code"])
    assert fake_store(deps).users[user.id].email == EMAIL
    with pytest.raises(OtpInvalid):
        await profile.confirm_email_change(user, "000000" if code != "000000" else "111111", None, deps)

    sid = deps.tokens.decode(here.access, TokenKind.ACCESS).family_id
    changed = await profile.confirm_email_change(user, code, sid, deps)

    assert changed.email == "new@example.com"
    assert (await authenticate(here.access, deps)).email == "new@example.com"
    with pytest.raises(InvalidToken):
        await authenticate(other.access, deps)
    with pytest.raises(OtpInvalid):
        await profile.confirm_email_change(user, code, sid, deps)


async def test_a_forgotten_password_is_reset_once_by_the_emailed_link() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    before = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    await password_reset.forgot_password("nobody@example.com", CLIENT_ADDRESS, deps)  # same answer, no email
    await password_reset.forgot_password(EMAIL, CLIENT_ADDRESS, deps)
    link = str(fake_mailer(deps).last_to(EMAIL).context["link"])
    token = link.split("token=")[1]
    assert [r.token_digest != token for r in fake_store(deps).password_resets.values()] == [True]

    await password_reset.reset_password(password_reset.ResetPassword(token, "Brand-New-Pass-99"), deps)

    with pytest.raises(InvalidToken):
        await authenticate(before.access, deps)
    assert await login(Login(EMAIL, "Brand-New-Pass-99", CLIENT_ADDRESS), deps)
    with pytest.raises(ResetTokenInvalid):
        await password_reset.reset_password(password_reset.ResetPassword(token, "Another-Pass-1234"), deps)
    assert fake_store(deps).users[user.id].password_hash == "fake$Brand-New-Pass-99"


async def test_a_reset_link_expires_after_thirty_minutes() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL, PASSWORD)
    await password_reset.forgot_password(EMAIL, CLIENT_ADDRESS, deps)
    token = str(fake_mailer(deps).last_to(EMAIL).context["link"]).split("token=")[1]
    fake_clock(deps).advance(timedelta(minutes=30))
    with pytest.raises(ResetTokenInvalid):
        await password_reset.reset_password(password_reset.ResetPassword(token, "Brand-New-Pass-99"), deps)


async def test_closing_the_account_forgets_who_it_was_and_frees_the_email() -> None:
    deps = fake_identity()
    user = await seed_user(deps, EMAIL, PASSWORD)
    pair = await login(Login(EMAIL, PASSWORD, CLIENT_ADDRESS), deps)
    with pytest.raises(InvalidCredentials):
        await profile.close_account(user, "wrong-password", deps)
    await profile.close_account(user, PASSWORD, deps)
    stored = fake_store(deps).users[user.id]
    assert (stored.is_active, stored.closed_at is not None) == (False, True)
    assert EMAIL not in stored.email
    assert stored.full_name == "Closed account"
    with pytest.raises(InvalidToken):
        await authenticate(pair.access, deps)
    again = await seed_user(deps, EMAIL, PASSWORD)
    assert again.id != user.id
