"""Schemathesis against the served app, as an admin and as a member: every operation, every check, no failure."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from domain.users import Role
from tests.integration.served import Served, document_of_the_app, served

EXAMPLES = 10  # per operation and role; with a fixed seed, the same cases on every run
# The document does not depend on the data: it is read from an app built on a scratch SQLite file, at
# collection, so schemathesis makes one test per operation (its lazy loader does not run on pytest 9).
SEED = 20261202
# Valid and invalid data alike, with every check. One rule the schema cannot state: a body or parameter
# of the right shape can still be refused with 400 for what only the server knows (a cursor it did not
# issue, an email token, a password's strength, an email's deliverable syntax, an integer sent as 1.0).
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {"mode": "all"},
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "400", "401", "403", "404", "409", "410", "429"]
            }
        },
    }
)
schema = schemathesis.openapi.from_dict(document_of_the_app(), config=CONFIG)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("fuzz")) as live:
        yield live


@pytest.fixture(scope="module")
def headers(api: Served) -> dict[str, dict[str, str]]:
    return {"admin": api.account(Role.ADMIN, "admin@fuzz.test"), "member": api.account(Role.MEMBER, "member@fuzz.test")}


FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@schema.parametrize()
@FUZZ
def test_the_api_keeps_its_contract_for_an_admin(case: Any, api: Served, headers: dict[str, dict[str, str]]) -> None:
    case.call_and_validate(base_url=api.base_url, headers=headers["admin"])


@schema.parametrize()
@FUZZ
def test_the_api_keeps_its_contract_for_a_member(case: Any, api: Served, headers: dict[str, dict[str, str]]) -> None:
    case.call_and_validate(base_url=api.base_url, headers=headers["member"])
