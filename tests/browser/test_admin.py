"""The admin panel in Chromium: an admin publishes a task with an image, approves the member's submission and
follows their history and ledger; sudo mode asks for the password before a wallet adjustment; members find
no panel at all."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from application.assignments import claim_task, submit
from application.tasks import CreateTask, create_public_task
from application.wallet import Redeem, redeem
from domain.users import Role, User
from tests.browser.conftest import Site
from tests.browser.test_journeys import Browsing, person, picture

ADMIN_PASSWORD = "root browser pass 1"
MEMBER_PASSWORD = "nina browser pass 1"


async def account(site: Site, email: str, name: str, password: str, role: Role) -> User:
    identity = site.container.identity
    user = User(email, name, role, await identity.hasher.hash(password), identity.clock.now())
    async with identity.uow() as uow:
        await uow.users.add(user)
        await uow.commit()
    return user


async def sign_in(who: Browsing, email: str, password: str) -> None:
    await who.open("/signin/")
    await who.page.get_by_label("Email").fill(email)
    await who.page.get_by_label("Password").fill(password)
    await who.page.get_by_role("button", name="Sign in").click()
    await who.page.get_by_text("My work in progress").wait_for()


async def test_an_admin_publishes_reviews_and_follows_the_members_history(
    browser: Any, site: Site, screenshots: Path
) -> None:
    admin = await account(site, "root@panel.test", "Rosa Admin", ADMIN_PASSWORD, Role.ADMIN)
    nina = await account(site, "nina@panel.test", "Nina Member", MEMBER_PASSWORD, Role.MEMBER)
    rosa = await person(browser, site, screenshots)
    await sign_in(rosa, "root@panel.test", ADMIN_PASSWORD)
    page = rosa.page
    await page.get_by_role("link", name="Admin").click()
    await page.get_by_role("heading", name="Dashboard").wait_for()

    await page.get_by_role("navigation", name="Admin panel").get_by_role("link", name="Tasks").click()
    await page.get_by_label("Name", exact=True).fill("Clean the windows")
    await page.get_by_label("Description").fill("Both floors, inside and out.")
    await page.get_by_label("Points").fill("6")
    await page.get_by_label("Image (JPEG").set_input_files(
        {"name": "windows.png", "mimeType": "image/png", "buffer": picture()}
    )
    await page.get_by_role("button", name="Create task").click()
    await page.get_by_text("Task “Clean the windows” created.").wait_for()
    assert await page.get_by_role("img", name="Thumbnail of Clean the windows").is_visible()

    # The member does the work (through the same use cases the pages call).
    container = site.container
    claim = await claim_task("clean-the-windows", nina, container.uow, container.clock)
    await submit(claim.id, "Sparkling.", nina, container.uow, container.clock)

    await rosa.open("/admin/tasks/")
    assert await page.get_by_role("img", name="Thumbnail of Clean the windows").is_visible()
    await rosa.shoot("admin_tasks")
    await rosa.open("/admin/")
    assert await page.locator("#waiting").inner_text() == "1"

    await page.get_by_role("link", name="Review").last.click()
    await page.get_by_label("Clean the windows by Nina Member").check()
    await rosa.shoot("admin_review")
    await page.get_by_role("button", name="Approve selected").click()
    await page.get_by_text("Approved: “Clean the windows” by Nina Member.").wait_for()
    await page.get_by_text("Nothing is waiting for review.").wait_for()

    await page.get_by_role("navigation", name="Admin panel").get_by_role("link", name="Users").click()
    await page.get_by_role("link", name="Nina Member").click()
    await page.get_by_role("heading", name="Nina Member").wait_for()
    assert await page.locator("#earned").inner_text() == "6"
    assert await page.locator("#balance").inner_text() == "6"
    row = page.locator("#assignments tr", has_text="Clean the windows")
    assert "Approved" in await row.inner_text()
    await page.get_by_role("link", name="Ledger").click()
    entry = page.locator("#ledger tr", has_text="Approved: Clean the windows")
    assert "+6" in await entry.inner_text()

    # Sudo mode: the first sensitive action of this session asks for the password, then goes through.
    await page.get_by_label("Adjust the wallet by").fill("5")
    await page.get_by_label("Reason").fill("Welcome gift")
    await page.get_by_role("button", name="Adjust wallet").click()
    await page.get_by_role("heading", name="Confirm your password").wait_for()
    assert await page.locator("#balance").count() == 0  # nothing adjusted yet
    await rosa.shoot("admin_sudo")
    await page.get_by_label("Your password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Confirm and continue").click()
    await page.get_by_text("Wallet adjusted by +5 points; the balance is 11.").wait_for()
    assert await page.locator("#balance").inner_text() == "11"
    await rosa.shoot("admin_user")

    # More going on, for the picture of the dashboard: a redemption, and someone else's work waiting.
    omar = await account(site, "omar@panel.test", "Omar Member", MEMBER_PASSWORD, Role.MEMBER)
    await redeem(Redeem(4, "Cinema", "k1"), nina, container.uow, container.clock)
    rake = await create_public_task(CreateTask("Rake the leaves", points=3), admin, container.uow, container.clock)
    claim = await claim_task(rake.slug, omar, container.uow, container.clock)
    await submit(claim.id, "", omar, container.uow, container.clock)
    await rosa.open("/admin/")
    # Out of the treasury: the 6 paid for the windows, the 5 of the gift, less the 4 redeemed, and the 3 the
    # raking task holds in its escrow.
    assert await page.locator("#issued").inner_text() == str(6 + 5 - 4 + 3)
    assert await page.locator("#outstanding").inner_text() == "7"
    await rosa.shoot("admin_dashboard")

    await rosa.open("/admin/audit/?kind=wallet")
    assert await page.locator("td code", has_text="wallet.adjusted").count() == 1
    assert await page.locator("td code", has_text="wallet.redeemed").count() == 1
    await rosa.open("/admin/audit/")
    await rosa.shoot("admin_audit")
    async with page.expect_download() as downloading:
        await page.get_by_role("button", name="Export as CSV").click()
    download = await downloading.value
    assert re.fullmatch(r"taskreward-audit-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    assert rosa.errors == []


async def test_a_member_finds_no_admin_panel(browser: Any, site: Site, screenshots: Path) -> None:
    await account(site, "lena@panel.test", "Lena Member", MEMBER_PASSWORD, Role.MEMBER)
    lena = await person(browser, site, screenshots)
    await sign_in(lena, "lena@panel.test", MEMBER_PASSWORD)
    assert await lena.page.get_by_role("link", name="Admin").count() == 0
    response = await lena.open("/admin/")
    assert response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    await lena.page.get_by_role("heading", name="Not Found").wait_for()
    visitor = await person(browser, site, screenshots)
    response = await visitor.open("/admin/users/")
    assert response.status == 404  # not sent to sign in: nothing says the panel is there
    assert visitor.page.url.endswith("/admin/users/")
