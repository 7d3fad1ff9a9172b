"""A client generated from the OpenAPI document, at test time, signs up, claims, submits and approves."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from domain.users import Role
from tests.integration.conftest import PASSWORD, SmtpInbox, running_smtp, text_part
from tests.integration.served import Served, document_of_the_app, served

GENERATOR = Path(sys.executable).parent / "openapi-python-client"
CODE = re.compile(r"(?<![\w#])(\d{6})(?!\w)")
PACKAGE = "taskreward_client"


@pytest.fixture(scope="module")
def client_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The typed client, generated from the app's own document into a scratch folder and imported."""
    folder = tmp_path_factory.mktemp("generated")
    document = folder / "openapi.json"
    document.write_text(json.dumps(document_of_the_app()))
    generated = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(document), "--output-path", str(folder / PACKAGE), "--meta", "none"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


def operation(tag: str, name: str) -> ModuleType:
    """The generated module of one operation: `operation("tasks", "claim")` for tasks_claim."""
    return importlib.import_module(f"{PACKAGE}.api.{tag}.{tag}_{name}")


def _code_sent_to(inbox: SmtpInbox, email: str) -> str:
    arrived = threading.Event()
    for _ in range(500):
        if inbox.to(email):
            break
        arrived.wait(0.02)
    found = CODE.search(text_part(inbox.to(email)[-1]))
    assert found is not None
    return found.group(1)


@pytest.fixture(scope="module")
def smtp_inbox() -> Iterator[SmtpInbox]:
    with running_smtp() as inbox:
        yield inbox


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory, smtp_inbox: SmtpInbox) -> Iterator[Served]:
    with served(tmp_path_factory.mktemp("client"), email_host=smtp_inbox.host, email_port=smtp_inbox.port) as live:
        yield live


def test_sign_up_claim_submit_and_approve_through_the_generated_client(
    client_package: Any, api: Served, smtp_inbox: SmtpInbox
) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    anonymous = client_package.Client(base_url=api.base_url)
    email = "newcomer@client.test"

    sent = operation("auth", "send_otp").sync_detailed(client=anonymous, body=models.SendOtpIn(email=email))
    assert sent.status_code == 202
    verify, register, login = (operation("auth", name) for name in ("verify_otp", "register", "login"))
    token = verify.sync(client=anonymous, body=models.VerifyOtpIn(email=email, otp=_code_sent_to(smtp_inbox, email)))
    assert isinstance(token, models.EmailTokenOut)
    user = register.sync(
        client=anonymous, body=models.RegisterIn(email_token=token.email_token, password=PASSWORD, full_name="Newcomer")
    )
    assert isinstance(user, models.UserOut)
    assert user.role == models.Role.MEMBER
    pair = login.sync(client=anonymous, body=models.LoginIn(email=email, password=PASSWORD))
    assert isinstance(pair, models.TokenOut)
    member = client_package.AuthenticatedClient(base_url=api.base_url, token=pair.access)
    admin_token = api.account(Role.ADMIN, "admin@client.test")["Authorization"].removeprefix("Bearer ")
    admin = client_package.AuthenticatedClient(base_url=api.base_url, token=admin_token)

    create, claim = operation("tasks", "create"), operation("tasks", "claim")
    task = create.sync(client=admin, body=models.TaskIn(name="Translate the guide", points=7))
    assert isinstance(task, models.TaskOut)
    assignment = claim.sync(task.slug, client=member)
    assert isinstance(assignment, models.AssignmentOut)
    again = claim.sync(task.slug, client=member)
    assert isinstance(again, models.ProblemDetails)  # errors are typed too, with their code
    assert again.status == 409
    assert again.code

    submit, approve = operation("assignments", "submit"), operation("assignments", "approve")
    submitted = submit.sync(assignment.id, client=member, body=models.SubmitIn(note="Done, see the shared folder"))
    assert isinstance(submitted, models.AssignmentOut)
    assert submitted.status == models.AssignmentStatus.SUBMITTED
    approved = approve.sync(assignment.id, client=admin, body=models.ApproveIn(feedback="Thank you"))
    assert isinstance(approved, models.AssignmentOut)
    assert approved.status == models.AssignmentStatus.APPROVED
    balance = operation("wallet", "summary").sync(client=member)
    assert isinstance(balance, models.WalletOut)
    assert balance.balance == 7
