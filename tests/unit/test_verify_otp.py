"""Spending a one-time code for an email token: once, in time, and with few wrong tries."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from application.accounts import VerifyOtp, verify_otp
from domain.errors import OtpInvalid, TooManyAttempts
from tests.fakes.helpers import email_token_for, fake_clock, fake_store, mailed_code
from tests.fakes.services import fake_identity

EMAIL = "grace@example.com"


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def test_the_right_code_earns_an_email_token_stored_as_a_digest() -> None:
    deps = fake_identity()

    token = await email_token_for(deps, EMAIL)

    [stored] = fake_store(deps).email_tokens.values()
    assert stored.email == EMAIL
    assert stored.token_digest == hashlib.sha256(token.encode()).hexdigest()
    assert stored.used_at is None


async def test_a_code_is_good_once() -> None:
    deps = fake_identity()
    code = await mailed_code(deps, EMAIL)
    await verify_otp(VerifyOtp(EMAIL, code), deps)

    with pytest.raises(OtpInvalid):
        await verify_otp(VerifyOtp(EMAIL, code), deps)

    assert len(fake_store(deps).email_tokens) == 1


async def test_a_code_for_another_address_is_refused() -> None:
    deps = fake_identity()
    code = await mailed_code(deps, EMAIL)

    with pytest.raises(OtpInvalid):
        await verify_otp(VerifyOtp("alan@example.com", code), deps)

    assert fake_store(deps).email_tokens == {}


@given(elapsed=st.integers(min_value=0, max_value=1200))
async def test_a_code_is_valid_for_ten_minutes(elapsed: int) -> None:
    deps = fake_identity()
    code = await mailed_code(deps, EMAIL)
    fake_clock(deps).advance(timedelta(seconds=elapsed))

    if elapsed < 600:
        assert await verify_otp(VerifyOtp(EMAIL, code), deps)
    else:
        with pytest.raises(OtpInvalid):
            await verify_otp(VerifyOtp(EMAIL, code), deps)
        assert fake_store(deps).email_tokens == {}


@given(wrong_tries=st.integers(min_value=0, max_value=10))
async def test_five_wrong_codes_burn_the_right_one(wrong_tries: int) -> None:
    deps = fake_identity()
    code = await mailed_code(deps, EMAIL)
    for _ in range(wrong_tries):
        with pytest.raises(OtpInvalid):
            await verify_otp(VerifyOtp(EMAIL, wrong(code)), deps)

    if wrong_tries < 5:
        assert await verify_otp(VerifyOtp(EMAIL, code), deps)
    else:
        with pytest.raises(OtpInvalid):
            await verify_otp(VerifyOtp(EMAIL, code), deps)
        assert fake_store(deps).email_tokens == {}


async def test_only_the_latest_code_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("application.accounts.generate_otp", iter(["111111", "222222"]).__next__)
    deps = fake_identity()
    first = await mailed_code(deps, EMAIL)
    fake_clock(deps).advance(timedelta(seconds=61))
    second = await mailed_code(deps, EMAIL)
    assert (first, second) == ("111111", "222222")

    with pytest.raises(OtpInvalid):
        await verify_otp(VerifyOtp(EMAIL, first), deps)
    assert await verify_otp(VerifyOtp(EMAIL, second), deps)


async def test_twenty_wrong_codes_in_an_hour_lock_the_address() -> None:
    deps = fake_identity()
    for _ in range(4):
        code = await mailed_code(deps, EMAIL)
        for _ in range(5):
            with pytest.raises(OtpInvalid):
                await verify_otp(VerifyOtp(EMAIL, wrong(code)), deps)
        fake_clock(deps).advance(timedelta(seconds=61))
    code = await mailed_code(deps, EMAIL)

    with pytest.raises(TooManyAttempts):
        await verify_otp(VerifyOtp(EMAIL, code), deps)

    assert fake_store(deps).email_tokens == {}


async def test_without_a_code_sent_nothing_verifies() -> None:
    deps = fake_identity()

    with pytest.raises(OtpInvalid):
        await verify_otp(VerifyOtp(EMAIL, "123456"), deps)
