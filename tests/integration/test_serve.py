"""`taskreward serve` (Granian) stopped with a live stream open: the stream ends and the server stops by itself,
without its workers being killed."""

from __future__ import annotations

import re
import signal
import subprocess

import httpx

from tests.integration.conftest import PASSWORD, free_port
from tests.integration.test_cli import TASKREWARD, Cli, cli, wait_until  # noqa: F401 - the fixture

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


def test_sigterm_ends_the_open_live_streams_and_the_server_stops(cli: Cli) -> None:  # noqa: F811
    assert cli("migrate").returncode == 0
    made = cli("create-admin", "--email", "stream@serve.test", "--password-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
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
            return httpx.get(f"{base}/health/ready", timeout=1).status_code == 200
        except httpx.TransportError:
            return False

    lines: list[str] = []
    try:
        wait_until(answering)
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
