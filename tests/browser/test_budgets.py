"""Budgets in Chromium: an admin grants a project points in the panel (sudo mode asks for the password first),
its manager sees the budget on the project's page, a task it cannot cover is refused on the form, and the
manager, who reviews the project's tasks, is offered no "Claim"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from application.projects import CreateProject, create_project
from domain.notifications import Notification, NotificationKind
from domain.users import Role
from tests.browser.conftest import Site
from tests.browser.test_admin import account, sign_in
from tests.browser.test_journeys import person

ADMIN_PASSWORD = "root budget pass 1"
MANAGER_PASSWORD = "maya budget pass 1"


async def test_an_admin_funds_a_project_and_its_manager_spends_within_it(
    browser: Any, site: Site, screenshots: Path
) -> None:
    await account(site, "root@budget.test", "Rosa Admin", ADMIN_PASSWORD, Role.ADMIN)
    maya = await account(site, "maya@budget.test", "Maya Manager", MANAGER_PASSWORD, Role.MANAGER)
    container = site.container
    await create_project(CreateProject("Town fair"), maya, container.uow, container.clock)

    rosa = await person(browser, site, screenshots)
    await sign_in(rosa, "root@budget.test", ADMIN_PASSWORD)
    page = rosa.page
    await rosa.open("/admin/projects/")
    await page.get_by_role("link", name="Town fair").click()
    await page.get_by_role("heading", name="Budget").wait_for()
    assert await page.locator("#budget-granted").inner_text() == "0"
    await page.get_by_label("Points (minus to take back").fill("20")
    await page.get_by_label("Reason").fill("Fair budget")
    await page.get_by_role("button", name="Grant points").click()
    await page.get_by_role("heading", name="Confirm your password").wait_for()
    assert await page.get_by_text("grant this project 20 points").is_visible()
    await page.get_by_label("Your password").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Confirm and continue").click()
    await page.get_by_text("Granted 20 points; 20 of the budget are available.").wait_for()
    assert await page.locator("#budget-available").inner_text() == "20"
    assert "Fair budget" in await page.locator("#budget-transfers").inner_text()
    await rosa.shoot("admin_project")

    manager = await person(browser, site, screenshots)
    await sign_in(manager, "maya@budget.test", MANAGER_PASSWORD)
    page = manager.page
    await manager.open("/projects/town-fair/")
    assert await page.locator("#budget-granted").inner_text() == "20"
    await page.get_by_label("Name", exact=True).fill("Paint the stalls")
    await page.get_by_label("Points").fill("15")
    await page.get_by_label("People who may claim it").fill("2")
    await page.get_by_role("button", name="Create task").click()
    await page.get_by_text("The budget does not hold enough points for this.").wait_for()
    assert await page.get_by_label("Name", exact=True).input_value() == "Paint the stalls"  # kept
    assert await page.locator("#budget-reserved").inner_text() == "0"  # nothing was created

    await page.get_by_label("People who may claim it").fill("1")
    await page.get_by_role("button", name="Create task").click()
    await page.get_by_text("Task “Paint the stalls” created.").wait_for()
    assert await page.locator("#budget-reserved").inner_text() == "15"
    assert await page.locator("#budget-available").inner_text() == "5"
    await manager.shoot("project_budget")

    # The manager reviews the project's tasks, so none is theirs to claim.
    await manager.open("/tasks/paint-the-stalls/")
    await page.locator("#reviewer-note").wait_for()
    assert await page.get_by_role("button", name="Claim").count() == 0
    await manager.open("/tasks/")
    assert await page.get_by_text("Paint the stalls").count() == 0

    # The unread badge follows without a reload, pushed by server-sent events.
    assert await page.locator("#unread-badge .badge").count() == 0
    async with container.uow() as work:
        note = Notification(
            maya.id, NotificationKind.SUBMISSION_WAITING, "Work waits", "/review/", container.clock.now()
        )
        await work.notifications.add(note)
        await work.commit()
    await page.locator("#unread-badge .badge", has_text="1").wait_for(timeout=5000)
    assert await page.locator("#unread-badge").get_attribute("data-live") == "true"
    assert rosa.errors == []
    # The refused form answered 409, which Chromium notes; nothing else went wrong.
    assert [e for e in manager.errors if "/projects/town-fair/tasks/: Failed to load resource" not in e] == []
