"""The account rules held by the domain objects themselves: emails, passwords, codes and tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import EmailTokenInvalid, InvalidEmail, InvalidToken, OtpInvalid, TokenReused, WeakPassword
from domain.sessions import RefreshSession
from domain.users import Role, User, check_password_policy, normalize_email
from domain.verification import EmailOtp, EmailToken, generate_otp, generate_secret_token

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def later(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


def test_normalize_email_strips_and_lower_cases() -> None:
    assert normalize_email("  Ada.Lovelace+tr@Example.CO.uk\n") == "ada.lovelace+tr@example.co.uk"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "ada",
        "ada@",
        "@example.com",
        "ada@example",
        "ada@@example.com",
        "ada lovelace@example.com",
        "ada..lovelace@example.com",
        "ada@example..com",
        "ada@-example.com",
        "ada@example-.com",
        "ada@example.com.",
        "a" * 65 + "@example.com",
        "ada@" + "a" * 250 + ".com",
    ],
)
def test_normalize_email_rejects_malformed_addresses(raw: str) -> None:
    with pytest.raises(InvalidEmail):
        normalize_email(raw)


@given(st.emails())
def test_normalize_email_accepts_valid_addresses_and_is_idempotent(email: str) -> None:
    normalized = normalize_email(email)

    assert normalized == email.lower()
    assert normalize_email(normalized) == normalized
    assert normalize_email(email.upper()) == normalized


@given(st.text(alphabet="abcdefgXYZ0123!#-", min_size=8, max_size=128))
def test_a_password_may_not_be_the_email_or_its_local_part(local: str) -> None:
    email = f"{local.lower()}@example.com"
    for password in (local, local.upper(), email):
        with pytest.raises(WeakPassword):
            check_password_policy(password, email=email)


def test_a_password_needs_three_different_characters() -> None:
    with pytest.raises(WeakPassword):
        check_password_policy("abababababab")
    check_password_policy("abcabcabcabc")


def test_generated_codes_are_six_digits_and_tokens_carry_256_bits() -> None:
    codes = {generate_otp() for _ in range(200)}
    assert all(len(code) == 6 and code.isdigit() for code in codes)
    assert len(codes) > 150
    assert len(generate_secret_token()) >= 43


def test_an_otp_lasts_ten_minutes() -> None:
    otp = EmailOtp.issue("ada@example.com", "123456", "d", NOW)

    assert otp.expires_at == later(600)
    assert otp.is_usable(later(599))
    assert not otp.is_usable(later(600))
    with pytest.raises(OtpInvalid):
        otp.verify("d", later(600))
    assert otp.used_at is None


def test_an_otp_is_spent_by_its_code_once() -> None:
    otp = EmailOtp.issue("ada@example.com", "123456", "d", NOW)

    otp.verify("d", later(1))

    assert otp.used_at == later(1)
    assert not otp.is_usable(later(2))
    with pytest.raises(OtpInvalid):
        otp.verify("d", later(2))


@given(wrong_tries=st.integers(min_value=0, max_value=10))
def test_an_otp_survives_at_most_four_wrong_tries(wrong_tries: int) -> None:
    otp = EmailOtp.issue("ada@example.com", "123456", "d", NOW)
    for _ in range(wrong_tries):
        assert not otp.try_code("x", later(1))

    assert otp.wrong_tries == min(wrong_tries, 5)
    assert otp.try_code("d", later(2)) is (wrong_tries < 5)


@given(elapsed=st.integers(min_value=0, max_value=3600))
def test_an_email_token_is_spent_once_within_fifteen_minutes(elapsed: int) -> None:
    token = EmailToken.issue("ada@example.com", "d", NOW)

    if elapsed < 900:
        token.spend(later(elapsed))
        assert token.used_at == later(elapsed)
        with pytest.raises(EmailTokenInvalid):
            token.spend(later(elapsed))
    else:
        with pytest.raises(EmailTokenInvalid):
            token.spend(later(elapsed))
        assert token.used_at is None


def test_a_refresh_session_is_spent_once_then_a_replay() -> None:
    session = RefreshSession.start_family(uuid4(), NOW, later(3600))

    session.spend(later(1))

    assert session.spent_at == later(1)
    with pytest.raises(TokenReused):
        session.spend(later(2))


def test_a_revoked_or_expired_refresh_session_is_invalid_not_a_replay() -> None:
    revoked = RefreshSession.start_family(uuid4(), NOW, later(3600))
    revoked.revoked_at = later(1)
    expired = RefreshSession.start_family(uuid4(), NOW, later(3600))

    with pytest.raises(InvalidToken):
        revoked.spend(later(2))
    with pytest.raises(InvalidToken):
        expired.spend(later(3600))
    assert (revoked.spent_at, expired.spent_at) == (None, None)


def test_a_successor_stays_in_the_family_under_a_new_id() -> None:
    first = RefreshSession.start_family(uuid4(), NOW, later(3600))
    other = RefreshSession.start_family(first.user_id, NOW, later(3600))

    nxt = first.successor(later(60), later(3660))

    assert (nxt.user_id, nxt.family_id) == (first.user_id, first.family_id)
    assert nxt.id != first.id
    assert (nxt.issued_at, nxt.expires_at, nxt.spent_at) == (later(60), later(3660), None)
    assert other.family_id != first.family_id


def test_deactivating_a_user_outdates_their_access_tokens() -> None:
    user = User("ada@example.com", "Ada", Role.MEMBER, password_hash="h", created_at=NOW)

    user.deactivate()

    assert not user.is_active
    assert user.session_version == 1


def test_overdue_is_judged_on_read_so_moving_the_due_date_changes_it_at_once() -> None:
    from datetime import UTC, date, datetime
    from uuid import uuid4

    from domain.tasks import Task

    now = datetime(2026, 1, 1, tzinfo=UTC)
    task = Task(slug="t", name="T", created_by=uuid4(), created_at=now, due_date=date(2026, 1, 10))
    assert not task.is_overdue_on(date(2026, 1, 10))
    assert task.is_overdue_on(date(2026, 1, 11))
    task.edit({"name": "Renamed"}, uuid4(), now)
    assert task.is_overdue_on(date(2026, 1, 11))
    task.edit({"due_date": date(2026, 2, 1)}, uuid4(), now)
    assert not task.is_overdue_on(date(2026, 1, 11))
    assert task.is_overdue_on(date(2026, 2, 2))
    assert not task.is_overdue_on(date(2026, 2, 2), project_accepts_work=False)
    task.slots_taken = task.approved_slots = task.claim_limit
    assert not task.is_overdue_on(date(2026, 2, 2)), "every slot approved: the work is done"
