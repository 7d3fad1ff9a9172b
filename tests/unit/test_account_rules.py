"""The domain's account rules: codes and links once and in time, time steps forward only, closing for good."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from domain.errors import AccountInactive, OtpInvalid, ResetTokenInvalid
from domain.recovery import EMAIL_CHANGE_LIFETIME, RESET_LIFETIME, EmailChange, PasswordReset
from domain.sign_ins import Client, SignIn, SignInKind
from domain.two_factor import generate_recovery_codes, looks_like_totp, normalize_recovery_code
from domain.users import Role, User, closed_email

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def a_user() -> User:
    return User("ada@example.com", "Ada", Role.MEMBER, "hash", NOW, totp_secret="sealed", totp_last_step=10)


def test_a_reset_link_is_spent_once_and_only_in_time() -> None:
    reset = PasswordReset.issue(uuid4(), "d", NOW)
    with pytest.raises(ResetTokenInvalid):
        PasswordReset.issue(uuid4(), "d", NOW).spend(NOW + RESET_LIFETIME)
    reset.spend(NOW + RESET_LIFETIME - timedelta(seconds=1))
    with pytest.raises(ResetTokenInvalid):
        reset.spend(NOW)


def test_an_email_change_takes_five_wrong_codes_then_none() -> None:
    change = EmailChange.issue(uuid4(), "new@example.com", "right", NOW)
    for _ in range(5):
        assert change.confirm("wrong", NOW) is False
    assert change.confirm("right", NOW) is False
    assert change.wrong_tries == 5
    late = EmailChange.issue(uuid4(), "new@example.com", "right", NOW)
    with pytest.raises(OtpInvalid):
        late.require("right", NOW + EMAIL_CHANGE_LIFETIME)
    fine = EmailChange.issue(uuid4(), "new@example.com", "right", NOW)
    fine.require("right", NOW)
    assert fine.confirm("right", NOW) is False  # spent


def test_time_steps_are_accepted_forward_only() -> None:
    user = a_user()
    assert user.use_totp_step(10) is False
    assert user.use_totp_step(9) is False
    assert user.use_totp_step(11) is True
    assert user.totp_last_step == 11


def test_a_closed_account_keeps_its_id_loses_its_person_and_stays_closed() -> None:
    user = a_user()
    before = (user.id, user.session_version)
    user.close(NOW)
    assert (user.id, user.session_version) == (before[0], before[1] + 1)
    assert (user.email, user.full_name, user.totp_secret, user.is_active) == (
        closed_email(user.id),
        "Closed account",
        None,
        False,
    )
    with pytest.raises(AccountInactive):
        user.activate()


def test_a_sign_in_ends_once() -> None:
    sign_in = SignIn.start(uuid4(), SignInKind.PAGE, Client("203.0.113.1", "Firefox"), NOW)
    sign_in.end(NOW)
    sign_in.end(NOW + timedelta(hours=1))
    assert sign_in.ended_at == NOW
    assert not sign_in.is_live


def test_recovery_codes_are_ten_distinct_and_readable() -> None:
    codes = generate_recovery_codes()
    assert len(set(codes)) == 10
    assert all(normalize_recovery_code(code) == code for code in codes)
    assert looks_like_totp("123456")
    assert not looks_like_totp(codes[0])
