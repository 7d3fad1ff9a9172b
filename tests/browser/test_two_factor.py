"""Two-factor in Chromium: turn it on in the settings, then sign in with a code from the app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp

from tests.browser.conftest import Site
from tests.browser.test_journeys import account, person

EMAIL, PASSWORD = "otp@browser.test", "two factor browser pass 1"


async def test_two_factor_is_turned_on_in_settings_and_asked_at_sign_in(
    browser: Any, site: Site, screenshots: Path
) -> None:
    await account(site, EMAIL, PASSWORD)
    ada = await person(browser, site, screenshots)
    page = ada.page
    await ada.open("/signin/")
    await page.get_by_label("Email").fill(EMAIL)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await ada.open("/settings/")
    await page.get_by_role("button", name="Set up two-factor").click()
    totp = pyotp.TOTP(await page.locator("#totp-secret").inner_text())
    assert await page.locator("figure.qr svg").count() == 1
    await page.get_by_label("Code", exact=True).fill(totp.now())
    await page.get_by_role("button", name="Turn two-factor on").click()
    await page.get_by_text("Two-factor sign-in is on.").first.wait_for()
    assert await page.locator(".recovery-codes li").count() == 10
    await ada.shoot("settings-two-factor")

    await page.get_by_role("navigation", name="Main").get_by_role("button", name="Sign out").click()
    await page.wait_for_url("**/signin/")
    await page.get_by_label("Email").fill(EMAIL)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_label("Code").wait_for()
    # The next step's code: the one that turned it on cannot be used again.
    await page.get_by_label("Code").fill(totp.at(datetime.now(UTC) + timedelta(seconds=30)))
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(lambda url: "/signin" not in url)
    await ada.open("/settings/")
    assert "Two-factor sign-in is on" in await ada.text()
    assert ada.errors == []
