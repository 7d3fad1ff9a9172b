"""With FORCE_HTTPS, as seen by Chromium behind a proxy that terminates TLS: redirects, HSTS, Secure cookies."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser.conftest import Site
from tests.browser.test_journeys import account, person

# What a TLS-terminating proxy on this host adds; the app trusts it from 127.0.0.1 (FORWARDED_ALLOW_IPS).
BEHIND_TLS = {"X-Forwarded-Proto": "https"}


async def test_pages_go_to_https_and_the_api_stays(browser: Any, https_site: Site, screenshots: Path) -> None:
    visitor = await person(browser, https_site, screenshots)
    request = visitor.page.context.request
    page = await request.get(https_site.at("/signin/"), max_redirects=0)
    assert page.status == 308
    assert page.headers["location"] == https_site.at("/signin/").replace("http://", "https://")
    api = await request.get(https_site.at("/api/auth/me/"), max_redirects=0)
    assert api.status == 401
    assert api.headers["content-type"] == "application/problem+json"


async def test_behind_tls_the_cookies_are_secure(browser: Any, https_site: Site, screenshots: Path) -> None:
    await account(https_site, "sam@secure.test", "sam secure pass 1")
    visitor = await person(browser, https_site, screenshots, extra_http_headers=BEHIND_TLS)
    response = await visitor.open("/signin/")
    assert response.status == 200
    assert response.headers["strict-transport-security"].startswith("max-age=")
    await visitor.page.get_by_label("Email").fill("sam@secure.test")
    await visitor.page.get_by_label("Password").fill("sam secure pass 1")
    await visitor.page.get_by_role("button", name="Sign in").click()
    await visitor.page.get_by_text("My work in progress").wait_for()
    cookies = {c["name"]: c for c in await visitor.page.context.cookies()}
    assert cookies["session"]["secure"] is True
    assert cookies["session"]["httpOnly"] is True
    assert cookies["session"]["sameSite"] == "Lax"
    assert cookies["csrftoken"]["secure"] is True
