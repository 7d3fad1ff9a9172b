"""Shared test settings: where the real services are, and what to do when one is missing."""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def service_missing(what: str, error: BaseException) -> None:
    """Outside CI a missing service skips loudly; in CI it fails the run."""
    message = f"{what} is unreachable ({type(error).__name__}: {error}); set TEST_DATABASE_URL / TEST_REDIS_URL"
    if IN_CI:
        pytest.fail(f"CI=true and {message}", pytrace=False)
    pytest.skip(f"SKIPPED LOUDLY: {message}")
