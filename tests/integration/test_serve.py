"""`taskreward serve` (Granian) stopped with a live stream open: the stream ends and the server stops by itself,
without its workers being killed."""

from __future__ import annotations

import re
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.integration.conftest import PASSWORD, free_port
from tests.integration.test_cli import TASKREWARD, Cli, cli, wait_until  # noqa: F401 - the fixture

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _serve(run: Cli, admin: str) -> tuple[subprocess.Popen[str], str]:
    assert run("migrate").returncode == 0
    made = run("create-admin", "--email", admin, "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [str(TASKREWARD), "serve", "--port", str(port)],
        env=run.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def answering() -> bool:
        assert server.poll() is None, "the server stopped"
        try:
            return httpx.get(f"{base}/health/ready", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    wait_until(answering)
    return server, base


def test_the_served_app_answers_the_api_under_granian(cli: Cli) -> None:  # noqa: F811
    """The same requests as in-process tests, through the server production runs: what the server changes
    (its task implementation, its event loop) must not break a handler, e.g. one resolving dependencies at once."""
    server, base = _serve(cli, "api@serve.test")
    try:
        with httpx.Client(base_url=base, timeout=30) as api:
            login = api.post("/api/auth/login/", json={"email": "api@serve.test", "password": PASSWORD})
            assert login.status_code == 200, login.text
            api.headers["Authorization"] = f"Bearer {login.json()['access']}"
            project = {"name": "Served", "description": "", "start_date": "2026-01-01", "due_date": "2030-01-01"}
            made = api.post("/api/projects/", json=project)
            assert made.status_code == 201, made.text
            slug = made.json()["slug"]
            paths = [
                f"/api/projects/{slug}/tasks/?limit=5&status=open",
                f"/api/projects/{slug}/task_list/?page_size=5",
                f"/api/projects/{slug}/edit/",
                "/api/projects/",
                "/api/tasks/?limit=5",
                "/api/auth/me/",
            ]
            # Many at once, as under load: requests interleave on the worker's event loop.
            with ThreadPoolExecutor(16) as pool:
                answers = list(pool.map(lambda path: (path, api.get(path)), paths * 30))
            assert [(path, a.status_code) for path, a in answers if a.status_code != 200] == []
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=60)
    assert "Traceback" not in output, output


def test_sigterm_ends_the_open_live_streams_and_the_server_stops(cli: Cli) -> None:  # noqa: F811
    server, base = _serve(cli, "stream@serve.test")
    lines: list[str] = []
    try:
        with httpx.Client(base_url=base, timeout=30) as browser:
            form = CSRF.search(browser.get("/signin/").text)
            assert form is not None
            fields = {"_csrf_token": form.group(1), "email": "stream@serve.test", "password": PASSWORD}
            assert browser.post("/signin/", data=fields).status_code == 303
            with browser.stream("GET", "/notifications/live/") as stream:
                assert stream.status_code == 200
                reading = stream.iter_lines()
                while "event: unread" not in lines:
                    lines.append(next(reading))
                # The stream is open and between two checks: stop the server under it.
                server.send_signal(signal.SIGTERM)
                lines.extend(reading)  # returns once the server ends the stream
        output, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            server.kill()
            server.communicate()
    assert server.returncode == 0, output
    assert "refused to gracefully stop" not in output, "the stream ended itself; no worker was killed"
