"""Sending a one-time code: to whom, what is stored, and how often."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.accounts import SendOtp, send_otp
from domain.errors import InvalidEmail, TooManyAttempts
from tests.fakes.helpers import CLIENT_ADDRESS, fake_clock, fake_mailer, fake_store, mailed_code, seed_user
from tests.fakes.services import fake_identity

EMAIL = "grace@example.com"


async def test_a_new_address_is_mailed_a_six_digit_code() -> None:
    deps = fake_identity()

    assert await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps) is None

    [mail] = fake_mailer(deps).sent
    assert mail.to == EMAIL
    assert mail.template == "otp"
    code = mail.context["code"]
    assert len(code) == 6
    assert code.isdigit()


async def test_the_code_is_stored_only_as_a_digest() -> None:
    deps = fake_identity()
    code = await mailed_code(deps, EMAIL)

    [otp] = fake_store(deps).otps.values()
    assert otp.email == EMAIL
    assert otp.code_digest == deps.digest(code) != code
    assert code not in vars(otp).values()


async def test_the_address_is_normalized_before_mailing() -> None:
    deps = fake_identity()
    await send_otp(SendOtp("  Grace@Example.COM ", CLIENT_ADDRESS), deps)

    assert [m.to for m in fake_mailer(deps).sent] == [EMAIL]
    assert [o.email for o in fake_store(deps).otps.values()] == [EMAIL]


async def test_a_known_address_gets_a_notice_and_no_code() -> None:
    deps = fake_identity()
    await seed_user(deps, EMAIL)

    assert await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps) is None

    [mail] = fake_mailer(deps).sent
    assert mail.to == EMAIL
    assert mail.template == "account_exists"
    assert "code" not in mail.context
    assert fake_store(deps).otps == {}


@pytest.mark.parametrize("known", [False, True])
async def test_a_second_send_within_the_minute_is_refused(known: bool) -> None:
    deps = fake_identity()
    if known:
        await seed_user(deps, EMAIL)
    await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)
    fake_clock(deps).advance(timedelta(seconds=59))

    with pytest.raises(TooManyAttempts):
        await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)

    assert len(fake_mailer(deps).sent) == 1
    fake_clock(deps).advance(timedelta(seconds=1))
    await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)
    assert len(fake_mailer(deps).sent) == 2


async def test_the_sixth_send_in_an_hour_from_one_address_is_refused() -> None:
    deps = fake_identity()
    for _ in range(5):
        await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)
        fake_clock(deps).advance(timedelta(seconds=61))

    with pytest.raises(TooManyAttempts):
        await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)

    assert len(fake_mailer(deps).sent) == 5
    fake_clock(deps).advance(timedelta(hours=1))
    await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)
    assert len(fake_mailer(deps).sent) == 6


async def test_a_stranger_sending_codes_does_not_hold_back_the_owners_own() -> None:
    deps = fake_identity()
    for _ in range(5):
        await send_otp(SendOtp(EMAIL, "203.0.113.66"), deps)
        fake_clock(deps).advance(timedelta(seconds=61))
    with pytest.raises(TooManyAttempts):
        await send_otp(SendOtp(EMAIL, "203.0.113.66"), deps)

    await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)  # no cooldown, no hourly limit reached here

    assert len(fake_mailer(deps).sent) == 6


async def test_sends_from_many_addresses_reach_the_loose_limit_of_the_account() -> None:
    deps = fake_identity()
    for n in range(20):
        await send_otp(SendOtp(EMAIL, f"203.0.113.{n}"), deps)

    with pytest.raises(TooManyAttempts):
        await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)
    assert len(fake_mailer(deps).sent) == 20


@pytest.mark.parametrize(
    "email", ["", "grace", "grace@", "@example.com", "grace@example", "gr..ace@example.com", "grace@-example.com"]
)
async def test_invalid_addresses_are_refused(email: str) -> None:
    deps = fake_identity()

    with pytest.raises(InvalidEmail):
        await send_otp(SendOtp(email, CLIENT_ADDRESS), deps)

    assert fake_mailer(deps).sent == []
    assert fake_store(deps).otps == {}


async def test_the_cooldown_is_a_full_minute_even_across_a_minute_boundary() -> None:
    deps = fake_identity()
    clock = fake_clock(deps)
    clock.current = clock.current.replace(second=59)
    await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)

    clock.advance(timedelta(seconds=2))
    with pytest.raises(TooManyAttempts):
        await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)

    clock.advance(timedelta(seconds=58))
    await send_otp(SendOtp(EMAIL, CLIENT_ADDRESS), deps)
    assert len(fake_mailer(deps).sent) == 2
