"""The real `taskreward` console command in a subprocess, and the settings it starts from."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient

from domain.errors import InvalidInput
from entrypoints.http.app import create_app
from entrypoints.settings import Settings, SettingsError
from tests.integration.conftest import build, free_port

TASKREWARD = Path(sys.executable).with_name("taskreward")
PG = "postgresql+psycopg://x@h/db"
GOOD_SECRET = "s" * 32


class Cli:
    def __init__(self, tmp_path: Path) -> None:
        self.db_path = tmp_path / "cli.db"
        self.url = f"sqlite+aiosqlite:///{self.db_path}"
        self.var_dir = tmp_path / "var"
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(tmp_path),
            "LANG": "C.UTF-8",
            "DATABASE_URL": self.url,
            "TASKREWARD_VAR_DIR": str(self.var_dir),
        }

    def __call__(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None) -> Any:
        return subprocess.run(
            [str(TASKREWARD), *args],
            env=env or self.env,
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.db_path) as conn:
            return conn.execute(sql, params).fetchall()  # the block commits what it wrote


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    assert TASKREWARD.exists(), f"{TASKREWARD} is not installed"
    return Cli(tmp_path)


def test_migrate_twice(cli: Cli) -> None:
    for _ in range(2):
        done = cli("migrate")
        assert done.returncode == 0, done.stderr
        assert "up to date" in done.stdout
    versions = cli.rows("SELECT version_num FROM alembic_version")
    assert len(versions) == 1
    assert cli.rows("SELECT count(*) FROM users") == [(0,)]
    assert (cli.var_dir / "secret_key").exists()


async def test_create_admin_then_sign_in(cli: Cli, settings_for: Callable[..., Settings]) -> None:
    assert cli("migrate").returncode == 0

    created = cli("create-admin", "--email", "Root@Example.com", "--password", "root password 1")
    assert created.returncode == 0, created.stderr
    assert "root@example.com" in created.stdout
    assert "created" in created.stdout
    assert "the admin panel: http://127.0.0.1:8000/admin/" in created.stdout
    again = cli("create-admin", "--email", "root@example.com", "--password", "root password 1")
    assert again.returncode == 0, again.stderr
    assert "already exists" in again.stdout

    behind_proxy = {**cli.env, "BASE_URL": "https://tasks.example.com/"}
    piped = cli(
        "create-admin", "--email", "ops@example.com", "--password-stdin", stdin="piped secret 22\n", env=behind_proxy
    )
    assert piped.returncode == 0, piped.stderr
    assert "created" in piped.stdout
    assert "the admin panel: https://tasks.example.com/admin/" in piped.stdout
    assert "piped secret" not in piped.stdout + piped.stderr

    for password in ("short", "password", "aaaaaaaaaaa", "weak@example.com", "weak"):
        weak = cli("create-admin", "--email", "weak@example.com", "--password", password)
        assert weak.returncode != 0, (password, weak.stdout)
        assert "password" in weak.stderr.lower()
        assert "Traceback" not in weak.stderr
    bad_email = cli("create-admin", "--email", "not-an-email", "--password", "root password 1")
    assert bad_email.returncode != 0
    assert "email" in bad_email.stderr.lower()
    assert "Traceback" not in bad_email.stderr

    rows = cli.rows("SELECT email, role, is_active FROM users ORDER BY email")
    assert rows == [("ops@example.com", "admin", 1), ("root@example.com", "admin", 1)]

    container = build(settings_for(cli.url))
    async with AsyncTestClient(app=create_app(container)) as client:
        for email, password in (("root@example.com", "root password 1"), ("ops@example.com", "piped secret 22")):
            response = await client.post("/api/auth/login/", json={"email": email, "password": password})
            assert response.status_code == 200, response.text
            me = await client.get("/api/auth/me/", headers={"Authorization": f"Bearer {response.json()['access']}"})
            assert me.json()["role"] == "admin"
            assert me.json()["email"] == email
        refused = await client.post("/api/auth/login/", json={"email": "weak@example.com", "password": "short"})
        assert refused.status_code in (400, 401)


def test_create_admin_changes_an_existing_password_only_when_told_to(cli: Cli) -> None:
    assert cli("migrate").returncode == 0
    assert cli("create-admin", "--email", "a@example.com", "--password", "first password 1").returncode == 0
    kept = cli("create-admin", "--email", "a@example.com", "--password", "second password 2")
    assert kept.returncode == 0, kept.stderr
    assert "already exists" in kept.stdout
    [(first_hash,)] = cli.rows("SELECT password_hash FROM users")
    changed = cli("create-admin", "--email", "a@example.com", "--password", "second password 2", "--reset-password")
    assert changed.returncode == 0, changed.stderr
    assert "already exists" not in changed.stdout
    assert cli.rows("SELECT password_hash FROM users") != [(first_hash,)]
    assert cli.rows("SELECT count(*) FROM users") == [(1,)]


def test_create_admin_never_takes_over_a_members_account_silently(cli: Cli) -> None:
    assert cli("migrate").returncode == 0
    assert cli("create-admin", "--email", "m@example.com", "--password", "member password 1").returncode == 0
    cli.rows("UPDATE users SET role = 'member'")
    [(member_hash,)] = cli.rows("SELECT password_hash FROM users")

    refused = cli("create-admin", "--email", "m@example.com", "--password", "taken over 22")
    assert refused.returncode == 2
    assert "--promote" in refused.stderr
    promoted = cli("create-admin", "--email", "m@example.com", "--password", "taken over 22", "--promote")
    assert promoted.returncode == 0, promoted.stderr
    assert cli.rows("SELECT role, password_hash FROM users") == [("admin", member_hash)]


def test_database_trouble_is_a_message_not_a_traceback(cli: Cli) -> None:
    unmigrated = cli("create-admin", "--email", "early@example.com", "--password", "root password 1")
    assert unmigrated.returncode != 0
    assert "migrate" in unmigrated.stderr
    assert "Traceback" not in unmigrated.stderr
    unreachable = {**cli.env, "DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/db"}
    done = cli("migrate", env={**unreachable, "SECRET_KEY": GOOD_SECRET})
    assert done.returncode != 0
    assert "database" in done.stderr.lower()
    assert "Traceback" not in done.stderr


def test_production_refuses_to_start_without_a_secret(cli: Cli) -> None:
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"DATABASE_URL": PG})
    with pytest.raises(SettingsError, match="SECRET_KEY"):
        Settings.from_env({"DATABASE_URL": "postgres://x@h/db"})
    done = cli("migrate", env={**cli.env, "DATABASE_URL": PG})
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr
    assert not cli.var_dir.exists()  # no development secret was made up for production


@pytest.mark.parametrize("url", [PG, "sqlite+aiosqlite:///x.db"])
def test_a_short_secret_is_refused(url: str, tmp_path: Path) -> None:
    base = {"DATABASE_URL": url, "TASKREWARD_VAR_DIR": str(tmp_path)}
    for secret in ("short", "s" * 31, "\u00e9" * 15):  # bytes count, not characters
        with pytest.raises(SettingsError, match="SECRET_KEY"):
            Settings.from_env({**base, "SECRET_KEY": secret})
    assert Settings.from_env({**base, "SECRET_KEY": GOOD_SECRET}).secret_key == GOOD_SECRET


def test_a_short_secret_stops_the_command(cli: Cli) -> None:
    done = cli("migrate", env={**cli.env, "DATABASE_URL": PG, "SECRET_KEY": "too-short"})
    assert done.returncode != 0
    assert "SECRET_KEY" in done.stderr


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "UTC+25"])
def test_a_bad_time_zone_is_refused(zone: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="TIME_ZONE"):
        Settings.from_env({"TASKREWARD_VAR_DIR": str(tmp_path), "TIME_ZONE": zone})


def test_a_good_time_zone_is_kept(tmp_path: Path) -> None:
    env = {"TASKREWARD_VAR_DIR": str(tmp_path)}
    assert Settings.from_env({**env, "TIME_ZONE": "Europe/Berlin"}).time_zone == "Europe/Berlin"
    assert Settings.from_env(env).time_zone == "UTC"


@pytest.mark.parametrize(
    "env", [{"EMAIL_PORT": "twenty-five"}, {"FORCE_HTTPS": "maybe"}, {"ACCESS_TOKEN_TTL_SECONDS": "1.5"}]
)
def test_malformed_values_are_refused(env: dict[str, str], tmp_path: Path) -> None:
    with pytest.raises(SettingsError):
        Settings.from_env({"TASKREWARD_VAR_DIR": str(tmp_path), **env})


def test_the_embedded_default_keeps_its_generated_secret(tmp_path: Path) -> None:
    env = {"TASKREWARD_VAR_DIR": str(tmp_path / "var")}
    first = Settings.from_env(env)
    assert first.is_embedded
    assert first.database_url == f"sqlite+aiosqlite:///{tmp_path / 'var' / 'taskreward.db'}"
    assert len(first.secret_key.encode()) >= 32
    assert Settings.from_env(env).secret_key == first.secret_key
    secret_file = tmp_path / "var" / "secret_key"
    assert secret_file.read_text().strip() == first.secret_key
    assert secret_file.stat().st_mode & 0o777 == 0o600
    other = Settings.from_env({"TASKREWARD_VAR_DIR": str(tmp_path / "elsewhere")})
    assert other.secret_key != first.secret_key
    assert first.secret_key not in repr(first)


def test_the_cli_keeps_the_same_secret_across_runs(cli: Cli) -> None:
    assert cli("migrate").returncode == 0
    secret = (cli.var_dir / "secret_key").read_text()
    assert cli("migrate").returncode == 0
    assert (cli.var_dir / "secret_key").read_text() == secret


def wait_until(ready: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.1)


def test_serve_on_a_chosen_port_links_emails_to_it(cli: Cli) -> None:
    """`make run PORT=...` passes the port on; with no BASE_URL the emails' links follow it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(TASKREWARD), "serve", "--port", str(port)],
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def answering() -> bool:
        assert server.poll() is None, "the server stopped"
        try:
            return httpx.get(f"{base}/health/live", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    outbox = cli.var_dir / "outbox"
    try:
        wait_until(answering)
        sent = httpx.post(f"{base}/api/auth/send-otp/", json={"email": "port@cli.test"}, timeout=10)
        assert sent.status_code == 202, sent.text
        assert httpx.get(f"{base}/signin/", timeout=10).status_code == 200
        wait_until(lambda: outbox.exists() and any(outbox.glob("*.eml")))
        [email] = outbox.glob("*.eml")
        assert f"{base}/signup/" in email.read_text()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert f"Serving on {base}/" in output


def test_check_ledger_exits_1_naming_each_broken_invariant(cli: Cli) -> None:
    assert cli("migrate").returncode == 0
    healthy = cli("check-ledger")
    assert healthy.returncode == 0, healthy.stderr
    assert "ledger ok" in healthy.stdout
    assert "BROKEN" not in healthy.stdout

    # A wallet credited behind the ledger's back: points from nowhere, in no transfer.
    cli.rows(
        "INSERT INTO ledger_accounts (id, kind, owner_id, balance) VALUES (?, 'wallet', ?, 5)",
        uuid.uuid4().hex,
        uuid.uuid4().hex,
    )
    broken = cli("check-ledger")
    assert broken.returncode == 1, broken.stdout
    named = {line.split()[0] for line in broken.stdout.splitlines() if "BROKEN" in line}
    assert named == {"sum_zero", "balances_match_transfers"}
    assert "2 ledger invariant(s) broken" in broken.stderr
    assert "Traceback" not in broken.stderr
    again = cli("run-job", "check-ledger")
    assert (again.returncode, again.stdout.strip()) == (0, "check-ledger: 2")


@pytest.mark.parametrize(
    ("failure", "code"), [(InvalidInput("refused"), 2), (RuntimeError("boom"), None), (None, 0)], ids=str
)
def test_run_job_closes_its_container_in_every_path(
    failure: Exception | None, code: int | None, tmp_path: Path, sqlite_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from entrypoints import cli, run_job

    closed: list[bool] = []

    def tracked(settings: Settings) -> Any:
        container = build(settings)
        original = container.close

        async def purge(**_: str) -> object:
            if failure is not None:
                raise failure
            return {}

        async def close() -> None:
            closed.append(True)
            await original()

        container.handlers["purge"] = purge
        container.close = close  # type: ignore[method-assign]
        return container

    monkeypatch.setattr(run_job, "bootstrap", tracked)
    for name, value in {"DATABASE_URL": sqlite_db, "TASKREWARD_VAR_DIR": str(tmp_path / "var")}.items():
        monkeypatch.setenv(name, value)
    if code is None:
        with pytest.raises(RuntimeError, match="boom"):
            cli.main(["run-job", "purge"])
    else:
        assert cli.main(["run-job", "purge"]) == code
    assert closed == [True]


def test_settings_come_from_the_environment_by_name(tmp_path: Path) -> None:
    base = {"TASKREWARD_VAR_DIR": str(tmp_path)}
    embedded = Settings.from_env(base)
    assert (embedded.log_format, embedded.logs_as_json, embedded.otel_exporter_otlp_endpoint) == (None, False, None)
    production = Settings.from_env({"DATABASE_URL": PG, "SECRET_KEY": GOOD_SECRET})
    assert production.logs_as_json is True
    given = Settings.from_env(
        {
            **base,
            "LOG_FORMAT": "json",
            "LOG_LEVEL": "debug",
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "EMAIL_USE_TLS": "yes",
            "FORCE_HTTPS": "On",
            "EMAIL_PORT": "587",
            "CORS_ALLOWED_ORIGINS": " https://a.example , ,https://b.example",
            "BASE_URL": "https://tasks.example.com/",
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
    )
    assert (given.logs_as_json, given.log_level, given.otel_exporter_otlp_endpoint) == (
        True,
        "DEBUG",
        "http://collector:4318",
    )
    assert (given.email_use_tls, given.force_https, given.email_port) == (True, True, 587)
    assert given.cors_allowed_origins == ("https://a.example", "https://b.example")
    assert (given.base_url, given.media_root) == ("https://tasks.example.com", tmp_path / "media")
    assert Settings.from_env({**base, "LOG_FORMAT": "console"}).logs_as_json is False
    with pytest.raises(SettingsError, match="LOG_FORMAT"):
        Settings.from_env({**base, "LOG_FORMAT": "xml"})
