"""A real browser (Debian's Chromium driven by Playwright) against the app served by uvicorn on a real socket,
with a fresh PostgreSQL database and an aiosmtpd server catching the emails."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from application.inbox import LiveBadge
from entrypoints.http.app import create_app
from entrypoints.http.pages.notifications import LIVE_BADGE
from tests.conftest import service_missing
from tests.integration.conftest import (
    SmtpInbox,
    _empty_tables,
    build,
    free_port,
    make_settings,
    postgres_url,
    running_smtp,
)
from tests.integration.live import serve

__all__ = ["postgres_url"]  # the session's fresh PostgreSQL database, shared with the integration tests

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium phones home, and on a closed network its connections hang.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS_ENV = "TASKREWARD_SCREENSHOTS"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Any]:
    try:
        from playwright.async_api import async_playwright
    except ImportError as exc:
        service_missing("Playwright", exc)
    if shutil.which(CHROMIUM) is None:
        service_missing("Chromium", FileNotFoundError(f"{CHROMIUM} (apt-get install chromium)"))
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        await launched.close()


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpInbox]:
    with running_smtp() as inbox:
        yield inbox


class Site:
    """The live app: its address and where its emails go."""

    def __init__(self, url: str, smtp: SmtpInbox, container: Any) -> None:
        self.url = url
        self.smtp = smtp
        self.container = container

    def at(self, path: str) -> str:
        return self.url + path


async def _site(postgres_url: str, tmp: Path, smtp: SmtpInbox, **overrides: Any) -> AsyncIterator[Site]:
    _empty_tables(postgres_url)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    settings = make_settings(postgres_url, tmp, email_host=smtp.host, email_port=smtp.port, base_url=url, **overrides)
    container = build(settings)
    app = create_app(container)
    app.state[LIVE_BADGE] = LiveBadge(interval=0.2, checks=3000)  # the badge follows within a fifth of a second
    async with serve(app, port=port):
        yield Site(url, smtp, container)


@pytest.fixture(scope="module")
async def site(
    postgres_url: str, tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpInbox
) -> AsyncIterator[Site]:
    async for live in _site(postgres_url, tmp_path_factory.mktemp("site"), smtp_server):
        yield live


@pytest.fixture(scope="module")
async def https_site(
    postgres_url: str, tmp_path_factory: pytest.TempPathFactory, smtp_server: SmtpInbox
) -> AsyncIterator[Site]:
    async for live in _site(postgres_url, tmp_path_factory.mktemp("https-site"), smtp_server, force_https=True):
        yield live


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """docs/screenshots/ when TASKREWARD_SCREENSHOTS names it (`make screenshots`); a scratch folder otherwise."""
    chosen = os.environ.get(SCREENSHOTS_ENV)
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
