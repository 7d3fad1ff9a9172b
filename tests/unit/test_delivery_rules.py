"""The delivery rules: backoff with jitter within a window, failures final when no retry can help, a retry
starting over; and the single-line rule for names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.outbox import DeliveryNotFailed, DeliveryStatus, EmailDelivery, RetryPolicy
from domain.text import as_single_line, check_single_line
from domain.users import check_full_name

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
POLICY = RetryPolicy(first=timedelta(minutes=1), longest=timedelta(hours=1), window=timedelta(hours=24))


@given(attempts=st.integers(1, 200), jitter=st.floats(0, 1, exclude_max=True))
def test_the_wait_doubles_up_to_the_longest_and_jitter_spreads_its_upper_half(attempts: int, jitter: float) -> None:
    full = min(POLICY.longest, POLICY.first * 2 ** min(attempts - 1, 32))
    assert full / 2 <= POLICY.delay(attempts, jitter) <= full


def test_an_email_is_tried_for_about_a_day_then_failed_with_the_last_error() -> None:
    delivery = EmailDelivery(uuid4(), "a@x.io", "otp")
    delivery.give_up_at = T0 + POLICY.window
    now, tries = T0, 0
    while (retry_at := delivery.attempt_failed(f"421 busy {tries}", now, POLICY, 0.5)) is not None:
        assert retry_at > now
        now, tries = retry_at, tries + 1
    assert delivery.status is DeliveryStatus.FAILED
    assert delivery.last_error == f"421 busy {tries}"
    assert 20 <= delivery.attempts <= 40  # hourly once the backoff has grown, for a day
    assert now <= T0 + POLICY.window


def test_a_failure_no_retry_can_mend_is_final_at_once_and_a_retry_starts_over() -> None:
    delivery = EmailDelivery(uuid4(), "a@x.io", "otp", give_up_at=T0 + POLICY.window)
    with pytest.raises(DeliveryNotFailed):
        delivery.retry(T0, POLICY)
    delivery.undeliverable("550 no such user", T0)
    assert (delivery.status, delivery.attempts, delivery.is_final) == (DeliveryStatus.FAILED, 1, True)
    later = T0 + timedelta(days=3)
    delivery.retry(later, POLICY)
    assert (delivery.status, delivery.attempts, delivery.give_up_at) == (
        DeliveryStatus.PENDING,
        0,
        later + POLICY.window,
    )


@pytest.mark.parametrize(
    "bad", ["a\rb", "a\nb", "a\tb", "a\x00b", "a\x85b", "a\u202eb", "a\u2066b", "a\u200bb", "a\ufeffb"]
)
def test_a_single_line_refuses_breaks_controls_bidi_and_invisible_characters(bad: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_single_line(bad, "name", "task name")
    assert refused.value.field == "name"
    assert "task name" in refused.value.detail
    with pytest.raises(InvalidInput):
        check_full_name(bad)
    assert as_single_line(bad) == "a b"


def test_ordinary_names_pass_whatever_their_script() -> None:
    for name in ("Ada Lovelace", "Zoë d'Arc-Æsir", "שלום עולם", "東京タワー", "emoji 🎉 ok"):
        assert check_single_line(name, "name", "name") == name
